// Scoring weights, versioned and changeable at run time: every change bumps the version, and a
// weights set arriving from another node replaces ours only when it is newer.
import type { Weights } from '../../client/model.ts'
import { DEFAULT_WEIGHTS, FACTOR_NAMES } from '../model/types.ts'
import { weightVector } from './scoring.ts'

export class WeightsError extends Error {
  readonly code = 'invalid'
  constructor(message: string) {
    super(message)
    this.name = 'WeightsError'
  }
}

export class WeightsBook {
  #current: Weights
  #vector: Float64Array

  constructor(initial: Weights = DEFAULT_WEIGHTS) {
    this.#current = { ...initial }
    this.#vector = weightVector(this.#current)
  }

  get current(): Weights {
    return this.#current
  }

  get vector(): Float64Array {
    return this.#vector
  }

  get version(): number {
    return this.#current.version
  }

  /** The next version from a patch; validated, not yet applied. */
  next(patch: Partial<Record<string, unknown>>, floorVersion = 0): Weights {
    const out: Weights = { ...this.#current, version: Math.max(this.#current.version, floorVersion) + 1 }
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'version') continue
      if (!(FACTOR_NAMES as readonly string[]).includes(k)) throw new WeightsError(`unknown weight ${JSON.stringify(k)}`)
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) throw new WeightsError(`weight ${k} must be a number from 0 to 100`)
      out[k as keyof Omit<Weights, 'version'>] = v
    }
    return out
  }

  /** Adopts `w` when it is a valid weights set newer than ours; true when adopted. */
  adopt(w: Weights): boolean {
    if (!isWeights(w) || w.version <= this.#current.version) return false
    this.#current = { ...w }
    this.#vector = weightVector(this.#current)
    return true
  }
}

/** A well-formed weights set (it may arrive from the bus): integer version, finite non-negative factors. */
export function isWeights(w: unknown): w is Weights {
  if (typeof w !== 'object' || w === null) return false
  const r = w as Record<string, unknown>
  if (!Number.isSafeInteger(r.version)) return false
  return FACTOR_NAMES.every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]) && (r[k] as number) >= 0)
}
