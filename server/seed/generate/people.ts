// Users and interviewers, each generated from its own (seed, table, id) stream.
import type { Interviewer, InterviewerType, Seniority } from '../../../client/model.ts'
import type { User, UserLevel } from '../../../actors/model/types.ts'
import { Rng, STREAM, weighted, type Weighted } from './rng.ts'
import { poolsFor, type NamePool } from './pools.ts'
import { isoTime } from './time.ts'
import { AGE_BANDS, AI_LANGUAGES, COUNTRIES, DAY_MS, EDUCATION, EPOCH_MS, INDUSTRIES, INDUSTRY_TOPICS, LANGUAGES, TOPICS, type Country } from './vocab.ts'

/** Countries where each language is spoken, weighted by population, so timezones match languages. */
const COUNTRIES_BY_LANGUAGE = new Map<string, Weighted<Country>>()
for (const lang of LANGUAGES.items) {
  const pairs: [Country, number][] = []
  COUNTRIES.items.forEach((c, i) => {
    const pos = c.languages.indexOf(lang)
    const w = COUNTRIES.cum[i] - (i ? COUNTRIES.cum[i - 1] : 0)
    if (pos >= 0) pairs.push([c, pos === 0 ? w : w / 4])
  })
  COUNTRIES_BY_LANGUAGE.set(lang, weighted(pairs))
}

const LEVEL_BY_AGE: Record<string, Weighted<UserLevel>> = {
  '18-24': weighted([
    ['entry', 80],
    ['mid', 18],
    ['senior', 2],
    ['executive', 0.1],
  ]),
  '25-34': weighted([
    ['entry', 30],
    ['mid', 50],
    ['senior', 18],
    ['executive', 2],
  ]),
  '35-44': weighted([
    ['entry', 8],
    ['mid', 37],
    ['senior', 43],
    ['executive', 12],
  ]),
  '45-54': weighted([
    ['entry', 5],
    ['mid', 30],
    ['senior', 45],
    ['executive', 20],
  ]),
  '55-64': weighted([
    ['entry', 5],
    ['mid', 28],
    ['senior', 45],
    ['executive', 22],
  ]),
  '65+': weighted([
    ['entry', 8],
    ['mid', 30],
    ['senior', 40],
    ['executive', 22],
  ]),
}
const PREFERRED: Weighted<InterviewerType | null> = weighted([
  [null, 60],
  ['human', 28],
  ['ai', 12],
])
const SENIORITY_W: Weighted<Seniority> = weighted([
  ['junior', 22],
  ['mid', 36],
  ['senior', 28],
  ['principal', 14],
])
const YEARS: Record<Seniority, [number, number]> = { junior: [1, 3], mid: [3, 7], senior: [6, 14], principal: [10, 25] }
const BASE_COST: Record<Seniority, number> = { junior: 38, mid: 52, senior: 72, principal: 95 }
const AVAILABILITY_W = weighted([
  ['online', 78],
  ['paused', 9],
  ['offline', 13],
] as const)
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com']

function nameFrom(r: Rng, pool: NamePool): [string, string] {
  return [r.pick(pool.first), r.pick(pool.last)]
}

const SLUGS = new Map<string, string>()
/** ASCII slug for emails: strips accents and anything not a letter or digit (names come from small pools). */
export function slug(s: string): string {
  let out = SLUGS.get(s)
  if (out === undefined) {
    out =
      s
        .normalize('NFD')
        .replace(/[^A-Za-z0-9]/g, '')
        .toLowerCase() || 'x'
    SLUGS.set(s, out)
  }
  return out
}

function topicsFor(r: Rng, industry: string, k: number): string[] {
  const local = INDUSTRY_TOPICS[industry] ?? []
  const out: string[] = []
  for (let guard = 0; out.length < k && guard < k * 10; guard++) {
    const t = local.length && r.chance(0.65) ? r.pick(local) : r.weighted(TOPICS)
    if (!out.includes(t)) out.push(t)
  }
  return out
}

/** What history and the ground truth need of a user; drawn from its own stream so history
 * generation skips the cosmetic fields (name, email, …) it does not use. */
export type UserCore = Pick<User, 'id' | 'languages' | 'level' | 'preferred_type' | 'topics'> & { age_band: string; industry: string; country: Country; created_ms: number }

export function makeUserCore(seed: number, id: number): UserCore {
  const r = Rng.for(seed, STREAM.users, id)
  const first = r.weighted(LANGUAGES)
  const country = r.weighted(COUNTRIES_BY_LANGUAGE.get(first)!)
  const languages = [first]
  if (first !== 'English' && r.chance(0.55)) languages.push('English')
  if (r.chance(0.15)) {
    const extra = r.chance(0.5) ? r.pick(country.languages) : r.weighted(LANGUAGES)
    if (!languages.includes(extra)) languages.push(extra)
  }
  const age_band = r.weighted(AGE_BANDS)
  const industry = r.weighted(INDUSTRIES)
  return {
    id,
    languages,
    level: r.weighted(LEVEL_BY_AGE[age_band]),
    preferred_type: r.weighted(PREFERRED),
    topics: topicsFor(r, industry, r.int(1, 4)),
    age_band,
    industry,
    country,
    created_ms: EPOCH_MS - r.int(30, 3 * 365) * DAY_MS - r.int(0, DAY_MS - 1),
  }
}

/** A user's cosmetic fields, drawn from their own stream (names as pool indexes). */
export interface ProfileDraw {
  pool: NamePool
  first: number
  last: number
  domain: string
  timezone: string
  education: string
}

export function emptyProfile(): ProfileDraw {
  return { pool: { first: [], last: [] }, first: 0, last: 0, domain: '', timezone: '', education: '' }
}

export function drawProfile(seed: number, c: UserCore, d: ProfileDraw): void {
  const r = Rng.for(seed, STREAM.userProfile, c.id)
  const names = poolsFor(seed).names
  const pool = names.get(c.languages[0]) ?? names.get('English')!
  d.pool = pool
  d.first = r.index(pool.first.length)
  d.last = r.index(pool.last.length)
  d.domain = r.pick(EMAIL_DOMAINS)
  d.timezone = r.pick(c.country.timezones)
  d.education = r.weighted(EDUCATION)
}

export function makeUser(seed: number, id: number): User {
  const c = makeUserCore(seed, id)
  const d = emptyProfile()
  drawProfile(seed, c, d)
  const fn = d.pool.first[d.first]
  const ln = d.pool.last[d.last]
  return {
    id,
    name: `${fn} ${ln}`,
    email: `${slug(fn)}.${slug(ln)}${id}@${d.domain}`,
    age_band: c.age_band,
    country: c.country.name,
    timezone: d.timezone,
    education: d.education,
    industry: c.industry,
    level: c.level,
    languages: c.languages,
    preferred_type: c.preferred_type,
    topics: c.topics,
    created_at: isoTime(c.created_ms),
  }
}

export function makeInterviewer(seed: number, id: number): Interviewer {
  const r = Rng.for(seed, STREAM.interviewers, id)
  const pools = poolsFor(seed)
  const ai = r.chance(0.22)
  const availability = r.weighted(AVAILABILITY_W)
  if (ai) {
    const languages = ['English', ...r.distinct(AI_LANGUAGES, r.int(2, 7))]
    // Elastic in principle, but capped low enough that a demo burst visibly fills queues.
    const concurrency = r.int(2, 4)
    return {
      id,
      name: `${r.pick(pools.aiNames)} ${id}`,
      type: 'ai',
      languages,
      specializations: r.distinct(TOPICS, r.int(3, 7)),
      seniority: r.chance(0.6) ? 'mid' : 'senior',
      years_experience: r.int(1, 4),
      cost: r.int(12, 35),
      concurrency,
      capacity: concurrency + r.int(2, 4),
      clearance: r.chance(0.1),
      availability,
      rating: round1(clamp(3.9 + 0.3 * r.normal(), 3, 5)),
      timezone: 'UTC',
      avg_duration_min: r.int(3, 6) * 5,
    }
  }
  const native = r.weighted(LANGUAGES)
  const country = r.weighted(COUNTRIES_BY_LANGUAGE.get(native)!)
  const languages = [native]
  if (native !== 'English' && r.chance(0.7)) languages.push('English')
  if (r.chance(0.2)) {
    const extra = r.weighted(LANGUAGES)
    if (!languages.includes(extra)) languages.push(extra)
  }
  const seniority = r.weighted(SENIORITY_W)
  const [ylo, yhi] = YEARS[seniority]
  const concurrency = r.chance(0.75) ? 1 : 2
  return {
    id,
    name: nameFrom(r, pools.names.get(native) ?? pools.names.get('English')!).join(' '),
    type: 'human',
    languages,
    specializations: r.distinct(TOPICS, r.int(2, 4)),
    seniority,
    years_experience: r.int(ylo, yhi),
    cost: Math.round(BASE_COST[seniority] * (0.75 + 0.5 * r.next())),
    concurrency,
    capacity: concurrency + r.int(1, 4),
    clearance: r.chance(0.2),
    availability,
    rating: round1(clamp(4.2 + 0.45 * r.normal(), 2.5, 5)),
    timezone: r.pick(country.timezones),
    avg_duration_min: r.int(6, 12) * 5,
  }
}

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x)
const round1 = (x: number): number => Math.round(x * 10) / 10
