// Tallies what a seeding run generated (counts and the main distributions) as the rows stream past.
import type { Interviewer } from '../../client/model.ts'
import type { InterviewRecord, User } from '../../actors/model/types.ts'
import type { Sizes } from './generate/sizes.ts'

export interface SeedSummary {
  seed: number
  sizes: Sizes
  counts: { users: number; interviewers: number; interviews: number }
  /** Users by first language. */
  user_languages: Record<string, number>
  user_levels: Record<string, number>
  interviewer_types: Record<string, number>
  interviewer_availability: Record<string, number>
  /** Interviewers speaking each language (an interviewer counts once per language). */
  interviewer_languages: Record<string, number>
  outcomes: Record<string, number>
  elapsed_ms: number
  rows_per_s: number
}

const inc = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1
}

export class SummaryBuilder {
  readonly #s: SeedSummary
  readonly #t0 = performance.now()
  constructor(seed: number, sizes: Sizes) {
    this.#s = {
      seed,
      sizes,
      counts: { users: 0, interviewers: 0, interviews: 0 },
      user_languages: {},
      user_levels: {},
      interviewer_types: {},
      interviewer_availability: {},
      interviewer_languages: {},
      outcomes: {},
      elapsed_ms: 0,
      rows_per_s: 0,
    }
  }
  users(rows: readonly User[]): void {
    this.#s.counts.users += rows.length
    for (const u of rows) {
      inc(this.#s.user_languages, u.languages[0])
      inc(this.#s.user_levels, u.level)
    }
  }
  /** One user, by its first language and level (the byte-encoding path tallies row by row). */
  user(firstLanguage: string, level: string): void {
    this.#s.counts.users++
    inc(this.#s.user_languages, firstLanguage)
    inc(this.#s.user_levels, level)
  }
  interviewers(rows: readonly Interviewer[]): void {
    this.#s.counts.interviewers += rows.length
    for (const iv of rows) {
      inc(this.#s.interviewer_types, iv.type)
      inc(this.#s.interviewer_availability, iv.availability)
      for (const l of iv.languages) inc(this.#s.interviewer_languages, l)
    }
  }
  interviews(rows: readonly InterviewRecord[]): void {
    this.#s.counts.interviews += rows.length
    for (const r of rows) inc(this.#s.outcomes, r.outcome)
  }
  interview(outcome: string): void {
    this.#s.counts.interviews++
    inc(this.#s.outcomes, outcome)
  }
  /** Adds a partial summary (e.g. a generator worker's tally of one table). */
  merge(p: SeedSummary): void {
    const s = this.#s
    s.counts.users += p.counts.users
    s.counts.interviewers += p.counts.interviewers
    s.counts.interviews += p.counts.interviews
    for (const k of ['user_languages', 'user_levels', 'interviewer_types', 'interviewer_availability', 'interviewer_languages', 'outcomes'] as const) {
      for (const [key, v] of Object.entries(p[k])) s[k][key] = (s[k][key] ?? 0) + v
    }
  }
  finish(): SeedSummary {
    const c = this.#s.counts
    this.#s.elapsed_ms = Math.round(performance.now() - this.#t0)
    this.#s.rows_per_s = Math.round(((c.users + c.interviewers + c.interviews) * 1000) / Math.max(1, this.#s.elapsed_ms))
    return this.#s
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US')

/** "English 40.1%, Spanish 14.0%, …" sorted by share, the top `top` shown. */
export function shares(m: Record<string, number>, top = 8): string {
  const total = Object.values(m).reduce((a, b) => a + b, 0) || 1
  const entries = Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const shown = entries.slice(0, top).map(([k, v]) => `${k} ${((v * 100) / total).toFixed(1)}%`)
  if (entries.length > top) shown.push(`${entries.length - top} more`)
  return shown.join(', ')
}

/** The human-readable summary the CLI prints. */
export function formatSummary(s: SeedSummary, where: string): string {
  const c = s.counts
  return [
    `Seeded ${fmt(c.users)} users, ${fmt(c.interviewers)} interviewers and ${fmt(c.interviews)} interviews into ${where}`,
    `  in ${(s.elapsed_ms / 1000).toFixed(1)} s (${fmt(s.rows_per_s)} rows/s), seed ${s.seed}`,
    `  users by first language: ${shares(s.user_languages)}`,
    `  users by level:          ${shares(s.user_levels)}`,
    `  interviewers by type:    ${shares(s.interviewer_types)}`,
    `  availability:            ${shares(s.interviewer_availability)}`,
    `  interviewer languages:   ${Object.entries(s.interviewer_languages)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', ')}`,
    `  interview outcomes:      ${shares(s.outcomes)}`,
  ].join('\n')
}
