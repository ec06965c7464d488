// Node-unique ids for decisions and assignments without a crypto call each: one random UUID per
// process, then a counter in its last 12 hex digits. Unique across nodes and restarts (the random
// prefix), valid UUID syntax, and cheap enough for the hot path: the counter's high 8 digits change
// once per 65,536 ids, the low 4 come from a table, so an id is one concatenation.
import { randomUUID } from 'node:crypto'

const base = randomUUID().slice(0, 24)
const HEX4: string[] = Array.from({ length: 0x10000 }, (_, i) => i.toString(16).padStart(4, '0'))
let seq = 0
let high = -1
let prefix = ''

export function nextId(): string {
  const n = ++seq
  const h = Math.floor(n / 0x10000)
  if (h !== high) {
    high = h
    prefix = base + h.toString(16).padStart(8, '0')
  }
  return prefix + HEX4[n & 0xffff]
}
