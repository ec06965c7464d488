// Schema migrations in order. Append only: never edit a released migration, add the next number.
import m001 from './001_init.ts'
import m002 from './002_durability.ts'
import m003 from './003_lean_writes.ts'
import m004 from './004_compact_decisions.ts'
import m005 from './005_plan_safe_indexes.ts'
import m006 from './006_learning.ts'
import m008 from './008_shard_epochs.ts'
import m010 from './010_held_requests.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001_init', sql: m001 },
  { version: 2, name: '002_durability', sql: m002 },
  { version: 3, name: '003_lean_writes', sql: m003 },
  { version: 4, name: '004_compact_decisions', sql: m004 },
  { version: 5, name: '005_plan_safe_indexes', sql: m005 },
  { version: 6, name: '006_learning', sql: m006 },
  { version: 8, name: '008_shard_epochs', sql: m008 },
  { version: 10, name: '010_held_requests', sql: m010 },
]
