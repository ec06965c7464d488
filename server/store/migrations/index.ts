// Schema migrations in order. Append only: never edit a released migration, add the next number.
import m001 from './001_init.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001_init', sql: m001 },
]
