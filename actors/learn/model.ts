// A success model ready to score: an immutable object built from a stored model version, and the
// book that holds the live one. Switching versions is one reference swap, so a decision in flight
// keeps the object it started with and no decision waits. A version that does not fit (corrupt
// coefficients, other features) is refused with a typed error and the last good model stays.
import type { Interviewer } from '../../client/model.ts'
import type { InterviewerStats, User } from '../model/types.ts'
import { FEATURE_NAMES, featuresOf } from './features.ts'
import { LearnError, predict } from './logistic.ts'

/** What a stored model version carries that scoring needs (the store's ModelVersion fits). */
export interface ModelVersionLike {
  id: number
  features: readonly string[]
  coefficients: { intercept: number; weights: readonly number[] }
}

export interface SuccessModel {
  readonly version: number
  readonly intercept: number
  readonly coefficients: readonly number[]
}

/**
 * Validates a stored version and freezes it into a SuccessModel. Its features must be exactly
 * FEATURE_NAMES in order (a model trained on other features would score the wrong inputs) and every
 * coefficient finite; otherwise LearnError('invalid').
 */
export function modelOf(v: ModelVersionLike): SuccessModel {
  if (typeof v !== 'object' || v === null || !Number.isSafeInteger(v.id) || v.id <= 0) throw new LearnError('invalid', 'model version has no valid id')
  const f = v.features
  if (!Array.isArray(f) || f.length !== FEATURE_NAMES.length || FEATURE_NAMES.some((n, i) => f[i] !== n)) {
    throw new LearnError('invalid', `model version ${v.id} was trained on other features (${Array.isArray(f) ? f.join(', ') : 'none'})`)
  }
  const c = v.coefficients
  const w = c?.weights
  if (!Array.isArray(w) || w.length !== FEATURE_NAMES.length || !Number.isFinite(c.intercept) || !w.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new LearnError('invalid', `model version ${v.id} has corrupt coefficients`)
  }
  return Object.freeze({ version: v.id, intercept: c.intercept, coefficients: Object.freeze([...w]) })
}

/** P(success) of a pair under `m`, in [0, 1]; features are sanitised, so it is always finite. */
export function predictedSuccess(m: SuccessModel, user: User, iv: Interviewer, stats?: InterviewerStats | null, topics?: readonly string[]): number {
  return predict(m, featuresOf(user, iv, stats, topics))
}

/** Holds the live model; `current` is null until one is adopted (routing then uses the hand score). */
export class ModelBook {
  #current: SuccessModel | null = null

  get current(): SuccessModel | null {
    return this.#current
  }

  get version(): number | null {
    return this.#current?.version ?? null
  }

  /**
   * Adopts a stored version when it is valid; returns the live model. A corrupt version throws
   * LearnError('invalid') and the previous model stays live.
   */
  adopt(v: ModelVersionLike): SuccessModel {
    const m = modelOf(v)
    this.#current = m
    return m
  }

  /** Drops the model: routing falls back to the hand-weighted score. */
  clear(): void {
    this.#current = null
  }
}
