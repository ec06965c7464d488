// Scoring, pure: six factors in [0, 1] and their weighted sum. The inner loop works on a reused
// Float64Array and precomputed candidate fields, so scoring a candidate allocates nothing.
import { FACTOR_NAMES, SENIORITY, USER_LEVELS, type Factors, type InterviewerStats, type Seniority, type UserLevel, type Weights } from '../model/types.ts'

export const FACTOR_COUNT = FACTOR_NAMES.length
export const F_TOPIC = 0
export const F_EXPERIENCE = 1
export const F_COST = 2
export const F_LOAD = 3
export const F_FAIRNESS = 4
export const F_QUALITY = 5

/** Idle time at which the fairness factor saturates at 1. */
export const FAIRNESS_SATURATION_MS = 10 * 60_000
/** Pseudo-interviews of prior weight in the quality factor: few interviews say little. */
export const QUALITY_PRIOR_N = 5
export const QUALITY_PRIOR_COMPLETION = 0.8

/** What scoring reads from a candidate; kept on the interviewer's queue object. */
export interface Candidate {
  /** Lower-cased specializations. */
  readonly specs: ReadonlySet<string>
  /** Index in SENIORITY (0..3). */
  readonly seniority: number
  readonly cost: number
  readonly capacity: number
  /** Static history-based quality in [0, 1] (see qualityOf). */
  readonly quality: number
  /** Open assignments (active + waiting). */
  readonly occupancy: number
  /** ms epoch of the last assignment, 0 if never. */
  readonly lastAssignedAt: number
}

/** A request prepared once per decision: lower-cased topics, user level index. */
export interface ScoringContext {
  topics: string[]
  budget: number
  /** Index in USER_LEVELS, or -1 when unknown. */
  level: number
  now: number
}

export function seniorityIndex(s: Seniority): number {
  const i = SENIORITY.indexOf(s)
  return i < 0 ? 1 : i
}

export function levelIndex(l: UserLevel | null | undefined): number {
  return l ? USER_LEVELS.indexOf(l) : -1
}

export function scoringContext(req: { topics: string[]; budget: number }, level: UserLevel | null | undefined, now: number): ScoringContext {
  return { topics: req.topics.map((t) => t.toLowerCase()), budget: req.budget, level: levelIndex(level), now }
}

/**
 * History-based quality: completion rate and rating, each shrunk toward a prior so an interviewer
 * with two perfect interviews does not outrank one with two hundred good ones.
 */
export function qualityOf(stats: InterviewerStats | undefined, rating: number): number {
  const n = stats?.interviews ?? 0
  const done = stats?.completed ?? 0
  const completion = (done + QUALITY_PRIOR_N * QUALITY_PRIOR_COMPLETION) / (n + QUALITY_PRIOR_N)
  const priorRating = Number.isFinite(rating) && rating > 0 ? rating : 3.5
  const rated = stats?.avg_rating ?? null
  const r = rated === null ? priorRating : (rated * done + priorRating * QUALITY_PRIOR_N) / (done + QUALITY_PRIOR_N)
  return clamp01(0.5 * completion + 0.5 * ((r - 1) / 4))
}

/** Weights as a dense vector in FACTOR_NAMES order, for the inner loop. */
export function weightVector(w: Weights): Float64Array {
  const v = new Float64Array(FACTOR_COUNT)
  for (let i = 0; i < FACTOR_COUNT; i++) v[i] = w[FACTOR_NAMES[i]]
  return v
}

/** Fills `out` with the six factors of one candidate and returns the weighted score. */
export function scoreInto(ctx: ScoringContext, c: Candidate, w: Float64Array, out: Float64Array): number {
  const topics = ctx.topics
  let topic = 1
  if (topics.length > 0) {
    let hit = 0
    for (let i = 0; i < topics.length; i++) if (c.specs.has(topics[i])) hit++
    topic = hit / topics.length
  }
  // Experience: a perfect match is 1; each level of mismatch costs a third; an interviewer more
  // senior than needed is penalised half as much as one too junior.
  let experience = 0.5
  if (ctx.level >= 0) {
    const d = c.seniority - ctx.level
    experience = 1 - (d >= 0 ? d / 6 : -d / 3)
  }
  const cost = ctx.budget > 0 ? clamp01((ctx.budget - c.cost) / ctx.budget) : 0
  const load = c.capacity > 0 ? clamp01(1 - c.occupancy / c.capacity) : 0
  const fairness = c.lastAssignedAt <= 0 ? 1 : clamp01((ctx.now - c.lastAssignedAt) / FAIRNESS_SATURATION_MS)
  out[F_TOPIC] = topic
  out[F_EXPERIENCE] = experience
  out[F_COST] = cost
  out[F_LOAD] = load
  out[F_FAIRNESS] = fairness
  out[F_QUALITY] = c.quality
  return w[0] * topic + w[1] * experience + w[2] * cost + w[3] * load + w[4] * fairness + w[5] * c.quality
}

export function factorsOf(v: Float64Array): Factors {
  return { topic: round4(v[0]), experience: round4(v[1]), cost: round4(v[2]), load: round4(v[3]), fairness: round4(v[4]), quality: round4(v[5]) }
}

export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x
}
