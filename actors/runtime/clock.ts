// Wall-clock ISO timestamps for hot paths: formatting a Date costs microseconds, and under load
// many decisions share a millisecond, so the string is cached per millisecond.
let lastMs = -1
let lastIso = ''

export function isoNow(): string {
  const ms = Date.now()
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString()
  }
  return lastIso
}

let seqMs = -1
let seqN = 0
let seqBase = ''

/**
 * A strictly increasing ISO timestamp with microsecond digits, for assignment creation times:
 * queues are rebuilt in created_at order after a restart, so two assignments made in the same
 * millisecond must still sort in the order they were made.
 */
export function seqIso(): string {
  const ms = Date.now()
  if (ms > seqMs) {
    seqMs = ms
    seqN = 0
    seqBase = new Date(ms).toISOString().slice(0, 23)
  } else if (++seqN > 999) {
    // More than 1,000 in one millisecond: borrow the next millisecond.
    seqMs++
    seqN = 0
    seqBase = new Date(seqMs).toISOString().slice(0, 23)
  }
  return seqBase + MICROS[seqN]
}

/** '000Z' … '999Z': the microsecond digits of seqIso without formatting each time. */
const MICROS: string[] = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`)
