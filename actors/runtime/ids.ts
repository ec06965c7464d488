// Node-unique ids for decisions and assignments without a crypto call each: one random UUID per
// process, then a counter in its last 12 hex digits. Unique across nodes and restarts (the random
// prefix), valid UUID syntax, and cheap enough for the hot path.
import { randomUUID } from 'node:crypto'

const base = randomUUID().slice(0, 24)
let seq = 0

export function nextId(): string {
  return base + (++seq).toString(16).padStart(12, '0')
}
