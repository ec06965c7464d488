// Features of a user–interviewer pair for the success model: pure, from both profiles (and the
// interviewer's history aggregates). Every value is finite and bounded: a NaN, an Infinity or a
// missing field becomes the neutral value, so nothing non-finite ever reaches a score.
import type { Interviewer } from '../../client/model.ts'
import type { InterviewerStats, User } from '../model/types.ts'
import { levelIndex, seniorityIndex } from '../scoring/scoring.ts'

/** Names in the order of featuresOf's vector; a model version stores them beside its coefficients. */
export const FEATURE_NAMES = [
  'language_match',
  'topic_overlap',
  'level_fit',
  'rating',
  'type_match',
  'type_mismatch',
  'cost',
  'experience_years',
  'history_interviews',
  'history_completion',
  'user_topic_coverage',
] as const

/** Completion-rate prior (pseudo-interviews at 70 %): a new interviewer is neither best nor worst. */
const PRIOR_N = 5
const PRIOR_RATE = 0.7

/** A finite number in [lo, hi]; anything else (NaN, ±Infinity, not a number) is `dflt`. */
export function sanitize(x: unknown, lo: number, hi: number, dflt: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) return dflt
  return x < lo ? lo : x > hi ? hi : x
}

const lowerSet = (xs: unknown): Set<string> => new Set(Array.isArray(xs) ? xs.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase()) : [])

/** The pair's feature vector, in FEATURE_NAMES order; `topics` (a request's) override the user's. */
export function featuresOf(user: User, iv: Interviewer, stats?: InterviewerStats | null, topics?: readonly string[]): number[] {
  const ul = lowerSet(user.languages)
  let lang = 0
  for (const l of lowerSet(iv.languages)) if (ul.has(l)) lang = 1
  const want = lowerSet(topics ?? user.topics)
  const specs = lowerSet(iv.specializations)
  let hit = 0
  for (const t of want) if (specs.has(t)) hit++
  const overlap = want.size ? hit / want.size : 0
  // The user's whole profile, not only the request's topics: how much of what they care about the
  // interviewer covers (the request's topic alone hides a partial match of the rest).
  const own = lowerSet(user.topics)
  let covered = 0
  for (const t of own) if (specs.has(t)) covered++
  const coverage = own.size ? covered / own.size : 0
  const li = levelIndex(user.level)
  const si = seniorityIndex(iv.seniority)
  // Level vs seniority, 1 when equal, 0 three steps apart; unknown either side is neutral.
  const levelFit = li < 0 || si < 0 ? 0.5 : 1 - Math.abs(li - si) / 3
  const pref = user.preferred_type
  const n = sanitize(stats?.interviews, 0, 1e9, 0)
  const done = sanitize(stats?.completed, 0, n, 0)
  return [
    lang,
    sanitize(overlap, 0, 1, 0),
    sanitize(levelFit, 0, 1, 0.5),
    sanitize((sanitize(iv.rating, 0, 5, 3.5) - 1) / 4, 0, 1, 0.625),
    pref && pref === iv.type ? 1 : 0,
    pref && pref !== iv.type ? 1 : 0,
    sanitize(Math.log1p(sanitize(iv.cost, 0, 1e6, 0)) / Math.log1p(500), 0, 2, 0),
    sanitize(Math.log1p(sanitize(iv.years_experience, 0, 80, 0)) / Math.log1p(40), 0, 2, 0),
    sanitize(Math.log1p(n) / Math.log1p(1000), 0, 3, 0),
    sanitize((done + PRIOR_N * PRIOR_RATE) / (n + PRIOR_N), 0, 1, PRIOR_RATE),
    sanitize(coverage, 0, 1, 0),
  ]
}
