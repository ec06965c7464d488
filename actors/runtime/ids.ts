// Ids for decisions and assignments. Callers name assignment ids (accept, reject, cancel, complete),
// so an id must not be derivable from another: each carries 144 random bits. An ordering prefix
// (the millisecond its batch was drawn, then a sequence) keeps the ids one process makes in creation
// order, the tie-break of the restore queries (`order by created_at, id`).
// Cheap on the hot path: random bytes are drawn and base64url-encoded POOL_IDS ids at a time (18
// bytes encode to exactly 24 characters, so each id is a slice of one string); node's hex
// encoding costs several times more than base64url.
import { randomFillSync } from 'node:crypto'

const RANDOM_BYTES = 18
const RANDOM_CHARS = 24
const POOL_IDS = 512
const pool = Buffer.alloc(RANDOM_BYTES * POOL_IDS)
let encoded = ''
let used = POOL_IDS
const HEX4: string[] = Array.from({ length: 0x10000 }, (_, i) => i.toString(16).padStart(4, '0'))
let lastMs = -1
let seq = -1
let msHex = ''

/** A 40-character id: a 16-hex-digit ordering prefix, then 24 base64url characters of randomness. */
export function nextId(): string {
  if (used === POOL_IDS) refill()
  if (++seq > 0xffff) {
    // More than 65,536 ids within one millisecond: borrow the next millisecond.
    lastMs++
    seq = 0
    msHex = lastMs.toString(16).padStart(12, '0')
  }
  const at = used++ * RANDOM_CHARS
  return msHex + HEX4[seq] + encoded.slice(at, at + RANDOM_CHARS)
}

/** New random bytes, and the clock read once per POOL_IDS ids: on some machines Date.now() costs more than the rest of an id. */
function refill(): void {
  randomFillSync(pool)
  encoded = pool.toString('base64url')
  used = 0
  const now = Date.now()
  if (now > lastMs) {
    lastMs = now
    seq = -1
    msHex = now.toString(16).padStart(12, '0')
  }
}
