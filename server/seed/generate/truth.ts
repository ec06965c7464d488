// The hidden ground truth: each user–interviewer pair's true probability that an interview succeeds.
// For the generator (history outcomes are sampled from it) and for evaluation code only: routing and
// the model never import this module; they must learn the signal from the history.
import type { Interviewer, Seniority } from '../../../client/model.ts'
import type { User, UserLevel } from '../../../actors/model/types.ts'
import { STREAM, hash32, unit } from './rng.ts'

/** The user fields the truth reads: a full User or the generator's UserCore. */
export type TruthUser = Pick<User, 'id' | 'languages' | 'level' | 'preferred_type' | 'topics'>

const LEVEL: Record<UserLevel, number> = { entry: 0, mid: 1, senior: 2, executive: 3 }
/** Seniority as a rank, 0 (junior) to 3 (principal). */
export const SENIORITY_RANK: Record<Seniority, number> = { junior: 0, mid: 1, senior: 2, principal: 3 }
const SENIORITY = SENIORITY_RANK

/** The observable features the truth is built from, each roughly in [-1, 1]. */
export interface TruthFeatures {
  language: number
  topic: number
  experience: number
  rating: number
  type_fit: number
}

export function truthFeatures(user: TruthUser, interviewer: Interviewer): TruthFeatures {
  let language = 0
  for (const l of user.languages) if (interviewer.languages.includes(l)) language = 1
  let overlap = 0
  for (const t of user.topics) if (interviewer.specializations.includes(t)) overlap++
  const gap = SENIORITY[interviewer.seniority] - LEVEL[user.level]
  // An interviewer a level above fits as well as an equal one; below the user fits worst.
  const experience = 1 - (gap >= 0 ? Math.max(0, gap - 1) : -gap * 1.5) / 3
  return {
    language,
    topic: user.topics.length ? overlap / user.topics.length : 0,
    experience: Math.max(0, experience),
    rating: interviewer.rating - 4,
    type_fit: user.preferred_type === null ? 0 : user.preferred_type === interviewer.type ? 1 : -1,
  }
}

export const TRUTH_WEIGHTS = { bias: -1.9, language: 1.8, topic: 1.6, experience: 1.2, rating: 0.9, type_fit: 0.5, noise: 0.5 }

/** Deterministic per-pair noise, approximately standard normal. */
function pairNoise(seed: number, userId: number, interviewerId: number): number {
  let s = 0
  for (let k = 0; k < 4; k++) s += unit(hash32(seed, STREAM.truth, userId * 4 + k, interviewerId))
  return (s - 2) * 1.7320508
}

/** The true success probability of this pair (sigmoid of weighted features plus pair noise). */
export function trueSuccessProbability(user: TruthUser, interviewer: Interviewer, seed: number): number {
  // Same arithmetic as truthFeatures, without the object: this runs once per history row.
  let language = 0
  for (const l of user.languages) if (interviewer.languages.includes(l)) language = 1
  let overlap = 0
  for (const t of user.topics) if (interviewer.specializations.includes(t)) overlap++
  return probabilityOf(language, overlap, user, interviewer.id, SENIORITY[interviewer.seniority], interviewer.rating, interviewer.type === 'ai', seed)
}

/**
 * trueSuccessProbability from the pair's shared-language flag and topic overlap, precomputed, and
 * the interviewer's fields the truth reads (the generator keeps them in typed arrays); the same
 * arithmetic, so the same double.
 */
export function probabilityOf(language: number, overlap: number, user: TruthUser, interviewerId: number, seniorityRank: number, rating: number, ai: boolean, seed: number): number {
  const gap = seniorityRank - LEVEL[user.level]
  const experience = Math.max(0, 1 - (gap >= 0 ? Math.max(0, gap - 1) : -gap * 1.5) / 3)
  const topic = user.topics.length ? overlap / user.topics.length : 0
  const typeFit = user.preferred_type === null ? 0 : (user.preferred_type === 'ai') === ai ? 1 : -1
  const w = TRUTH_WEIGHTS
  const z = w.bias + w.language * language + w.topic * topic + w.experience * (experience - 0.5) + w.rating * (rating - 4) + w.type_fit * typeFit + w.noise * pairNoise(seed, user.id, interviewerId)
  return 1 / (1 + Math.exp(-z))
}
