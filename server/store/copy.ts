// COPY text-format encoding of seed rows, shared by Postgres (COPY FROM STDIN) and PGlite
// (COPY FROM '/dev/blob'). Column order here is the column list both COPY statements name.
import type { SeedRow, SeedTable } from './types.ts'

export const COLUMNS: { [T in SeedTable]: (keyof SeedRow[T] & string)[] } = {
  users: ['id', 'name', 'email', 'age_band', 'country', 'timezone', 'education', 'industry', 'level', 'languages', 'preferred_type', 'topics', 'created_at'],
  interviewers: ['id', 'name', 'type', 'languages', 'specializations', 'seniority', 'years_experience', 'cost', 'concurrency', 'capacity', 'clearance', 'availability', 'rating', 'timezone', 'avg_duration_min'],
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
    out += '"' + xs[i].replace(/[\\"]/g, (c) => '\\' + c) + '"'
  }
  return copyText(out + '}')
}

function value(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (typeof v === 'string') return copyText(v)
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '\\N'
  if (typeof v === 'boolean') return v ? 't' : 'f'
  if (Array.isArray(v)) return copyArray(v as string[])
  return copyText(JSON.stringify(v))
}

/** COPY text lines (each ending in a newline) for a batch of rows of one table. */
export function encodeCopy<T extends SeedTable>(table: T, rows: readonly SeedRow[T][]): string {
  const cols = COLUMNS[table]
  const parts: string[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    let line = ''
    for (let c = 0; c < cols.length; c++) {
      if (c) line += '\t'
      line += value(row[cols[c]])
    }
    parts[i] = line + '\n'
  }
  return parts.join('')
}

export function copyStatement(table: SeedTable, source: 'stdin' | "'/dev/blob'"): string {
  return `copy ${table} (${COLUMNS[table].join(', ')}) from ${source}`
}
