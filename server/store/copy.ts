// COPY text-format encoding of seed rows, shared by Postgres (COPY FROM STDIN) and PGlite
// (COPY FROM '/dev/blob'). Column order here is the column list both COPY statements name.
import type { SeedRow, SeedTable } from './types.ts'

export const COLUMNS: { [T in SeedTable]: (keyof SeedRow[T] & string)[] } = {
  users: ['id', 'name', 'email', 'age_band', 'country', 'timezone', 'education', 'industry', 'level', 'languages', 'preferred_type', 'topics', 'created_at'],
  interviewers: [
    'id',
    'name',
    'type',
    'languages',
    'specializations',
    'seniority',
    'years_experience',
    'cost',
    'concurrency',
    'capacity',
    'clearance',
    'availability',
    'rating',
    'timezone',
    'avg_duration_min',
  ],
  interviews: ['id', 'user_id', 'interviewer_id', 'outcome', 'duration_min', 'rating', 'topic', 'transcript', 'started_at'],
}

const SPECIAL = /[\\\n\r\t]/
const SPECIAL_G = /[\\\n\r\t]/g
const ESC: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Escapes one text value for COPY's text format. */
export function copyText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_G, (c) => ESC[c]) : s
}

/** A text[] literal, then COPY-escaped. */
export function copyArray(xs: readonly string[]): string {
  let out = '{'
  for (let i = 0; i < xs.length; i++) {
    if (i) out += ','
    out += `"${xs[i].replace(/[\\"]/g, (c) => `\\${c}`)}"`
  }
  return copyText(`${out}}`)
}

const t = copyText
const a = copyArray
const n = (v: number | null): string => (v === null || !Number.isFinite(v) ? '\\N' : String(v))

// One hand-written encoder per table: field access on a known shape stays monomorphic, which is
// most of the cost at a million rows (a generic column loop was 40% slower).
const ENCODERS: { [T in SeedTable]: (r: SeedRow[T]) => string } = {
  users: (r) =>
    `${r.id}\t${t(r.name)}\t${t(r.email)}\t${t(r.age_band)}\t${t(r.country)}\t${t(r.timezone)}\t${t(r.education)}\t${t(r.industry)}\t${t(r.level)}\t${a(r.languages)}\t${r.preferred_type === null ? '\\N' : t(r.preferred_type)}\t${a(r.topics)}\t${r.created_at}\n`,
  interviewers: (r) =>
    `${r.id}\t${t(r.name)}\t${r.type}\t${a(r.languages)}\t${a(r.specializations)}\t${r.seniority}\t${r.years_experience}\t${n(r.cost)}\t${r.concurrency}\t${r.capacity}\t${r.clearance ? 't' : 'f'}\t${r.availability}\t${n(r.rating)}\t${t(r.timezone)}\t${r.avg_duration_min}\n`,
  interviews: (r) => `${r.id}\t${r.user_id}\t${r.interviewer_id}\t${r.outcome}\t${r.duration_min}\t${n(r.rating)}\t${t(r.topic)}\t${t(r.transcript)}\t${r.started_at}\n`,
}

/** COPY text lines (each ending in a newline) for a batch of rows of one table. */
export function encodeCopy<T extends SeedTable>(table: T, rows: readonly SeedRow[T][]): string {
  const enc = ENCODERS[table] as (r: SeedRow[T]) => string
  let out = ''
  for (let i = 0; i < rows.length; i++) out += enc(rows[i])
  return out
}

/** freeze: only into a table created or truncated in the same transaction (rows load frozen). */
export function copyStatement(table: SeedTable, source: 'stdin' | "'/dev/blob'", freeze = false): string {
  return `copy ${table} (${COLUMNS[table].join(', ')}) from ${source}${freeze ? ' with (freeze)' : ''}`
}
