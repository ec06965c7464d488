// Fast ISO-8601 formatting for generated timestamps: Date#toISOString was a tenth of generation time,
// and generated instants fall on a few thousand distinct days, whose date part is cached.
import { DAY_MS } from './vocab.ts'

const DAYS = new Map<number, string>()
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'))
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'))

/** Same output as new Date(ms).toISOString() for instants from 1970 to 9999. */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  let d = DAYS.get(day)
  if (d === undefined) {
    d = new Date(day * DAY_MS).toISOString().slice(0, 11)
    DAYS.set(day, d)
  }
  let rest = ms - day * DAY_MS
  const milli = rest % 1000
  rest = (rest - milli) / 1000
  const sec = rest % 60
  rest = (rest - sec) / 60
  return `${d}${PAD2[Math.floor(rest / 60)]}:${PAD2[rest % 60]}:${PAD2[sec]}.${PAD3[milli]}Z`
}
