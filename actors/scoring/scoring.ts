// Scoring, pure: six factors in [0, 1] and their weighted sum. The inner loop works on a reused
// Float64Array and precomputed candidate fields, so scoring a candidate allocates nothing.
import { SENIORITY, type Factors, type Seniority, type Weights } from '../../client/model.ts'
import { FACTOR_NAMES, USER_LEVELS, type InterviewerStats, type UserLevel } from '../model/types.ts'

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

/** What scoring reads from a candidate; plain fields on the interviewer's queue object. */
export interface Candidate {
  /** Lower-cased specializations. */
  readonly specs: ReadonlySet<string>
  /** Bit i set when the interviewer has interned topic i (see topicBit). */
  readonly specMask: number
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

// Topics are interned process-wide; the first 31 get a bit, so a topic match is one AND and a
// popcount instead of a Set lookup per candidate. Rarer topics fall back to the Set.
const topicIds = new Map<string, number>()
const MASK_BITS = 31

/** The bit of a lower-cased topic, interning it if `intern` (interviewer load); 0 when it has none. */
export function topicBit(topic: string, intern = false): number {
  let id = topicIds.get(topic)
  if (id === undefined) {
    if (!intern) return 0
    id = topicIds.size
    topicIds.set(topic, id)
  }
  return id < MASK_BITS ? 1 << id : 0
}

export function maskOf(topics: Iterable<string>, intern = false): number {
  let m = 0
  for (const t of topics) m |= topicBit(t, intern)
  return m
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** A request prepared once per decision: lower-cased topics, user level index. */
export interface ScoringContext {
  topics: string[]
  /** Bits of the request's topics that have one. */
  mask: number
  /** Request topics without a bit, checked against the Set. */
  extra: string[]
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
  return contextOf(
    req.topics.map((t) => t.toLowerCase()),
    req.budget,
    levelIndex(level),
    now,
  )
}

/** A context from already lower-cased topics and a level index. */
export function contextOf(topics: string[], budget: number, level: number, now: number): ScoringContext {
  return contextInto({ topics, mask: 0, extra: [], budget, level, now }, topics, budget, level, now)
}

/** contextOf into a reused object (a host scores a batch with one): allocates nothing for topics with a bit. */
export function contextInto(ctx: ScoringContext, topics: string[], budget: number, level: number, now: number): ScoringContext {
  let mask = 0
  let extra: string[] | null = null
  for (let i = 0; i < topics.length; i++) {
    const b = topicBit(topics[i])
    if (b === 0) (extra ??= []).push(topics[i])
    else mask |= b
  }
  ctx.topics = topics
  ctx.mask = mask
  ctx.extra = extra ?? NO_TOPICS
  ctx.budget = budget
  ctx.level = level
  ctx.now = now
  return ctx
}

const NO_TOPICS: string[] = []

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
  return scoreRaw(ctx, c.specMask, c.specs, c.seniority, c.cost, c.capacity, c.quality, c.occupancy, c.lastAssignedAt, w, out)
}

/** scoreInto on plain numbers, for the shard host's typed-array table. */
export function scoreRaw(
  ctx: ScoringContext,
  specMask: number,
  specs: ReadonlySet<string> | null,
  seniority: number,
  costV: number,
  capacity: number,
  quality: number,
  occupancy: number,
  lastAssignedAt: number,
  w: Float64Array,
  /** Receives the six factors; null when only the score is wanted (scanning candidates). */
  out: Float64Array | null,
): number {
  const n = ctx.topics.length
  let topic = 1
  if (n > 0) {
    let hit = popcount(specMask & ctx.mask)
    const extra = ctx.extra
    if (specs !== null) for (let i = 0; i < extra.length; i++) if (specs.has(extra[i])) hit++
    topic = hit / n
  }
  // Experience: a perfect match is 1; each level of mismatch costs a third; an interviewer more
  // senior than needed is penalised half as much as one too junior.
  let experience = 0.5
  if (ctx.level >= 0) {
    const d = seniority - ctx.level
    experience = 1 - (d >= 0 ? d / 6 : -d / 3)
  }
  const cost = ctx.budget > 0 ? clamp01((ctx.budget - costV) / ctx.budget) : 0
  const load = capacity > 0 ? clamp01(1 - occupancy / capacity) : 0
  const fairness = lastAssignedAt <= 0 ? 1 : clamp01((ctx.now - lastAssignedAt) / FAIRNESS_SATURATION_MS)
  if (out !== null) {
    out[F_TOPIC] = topic
    out[F_EXPERIENCE] = experience
    out[F_COST] = cost
    out[F_LOAD] = load
    out[F_FAIRNESS] = fairness
    out[F_QUALITY] = quality
  }
  return w[0] * topic + w[1] * experience + w[2] * cost + w[3] * load + w[4] * fairness + w[5] * quality
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
