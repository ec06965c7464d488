// Model versioning and switching: a valid version becomes an immutable model, a corrupt one is
// refused with a typed error and the last good model stays live, and scores are always finite.
import { describe, expect, it } from 'vitest'
import { FEATURE_NAMES } from './features.ts'
import type { LearnError } from './logistic.ts'
import { ModelBook, modelOf, predictedSuccess } from './model.ts'
import { pairInterviewer as iv, pairUser as user } from '../testing/pairs.ts'

const version = (id: number, intercept: number, weights: number[] = FEATURE_NAMES.map(() => 0)) => ({ id, features: [...FEATURE_NAMES], coefficients: { intercept, weights } })
const codeOf = (f: () => unknown): string => {
  try {
    f()
    return 'ok'
  } catch (e) {
    return (e as LearnError).code
  }
}

describe('model versions', () => {
  it('a valid version becomes a frozen model that scores with its coefficients', () => {
    const m = modelOf(version(3, 0))
    expect(m.version).toBe(3)
    expect(Object.isFrozen(m) && Object.isFrozen(m.coefficients)).toBe(true)
    expect(predictedSuccess(m, user, iv)).toBeCloseTo(0.5, 10)
    // A positive language-match coefficient favours the interviewer who speaks the user's language.
    const lang = FEATURE_NAMES.map((n) => (n === 'language_match' ? 2 : 0))
    const ml = modelOf(version(4, -1, lang))
    expect(predictedSuccess(ml, user, iv)).toBeGreaterThan(predictedSuccess(ml, user, { ...iv, languages: ['german'] }))
  })

  it('refuses corrupt versions with a typed error', () => {
    expect(codeOf(() => modelOf(version(1, Number.NaN)))).toBe('invalid')
    expect(codeOf(() => modelOf(version(1, 0, [1, 2])))).toBe('invalid')
    expect(
      codeOf(() =>
        modelOf(
          version(
            1,
            0,
            FEATURE_NAMES.map(() => Number.POSITIVE_INFINITY),
          ),
        ),
      ),
    ).toBe('invalid')
    expect(codeOf(() => modelOf({ ...version(1, 0), features: [...FEATURE_NAMES].reverse() }))).toBe('invalid')
    expect(codeOf(() => modelOf({ ...version(1, 0), id: 0 }))).toBe('invalid')
    expect(codeOf(() => modelOf(null as never))).toBe('invalid')
    expect(codeOf(() => modelOf({ id: 1, features: [...FEATURE_NAMES] } as never))).toBe('invalid')
  })

  it('scores stay finite and in [0, 1] whatever the profiles hold', () => {
    const m = modelOf(
      version(
        1,
        0.3,
        FEATURE_NAMES.map((_, i) => i - 5),
      ),
    )
    const bad = { ...iv, rating: Number.NaN, cost: Number.POSITIVE_INFINITY, years_experience: Number.NEGATIVE_INFINITY }
    const p = predictedSuccess(m, { ...user, languages: null as never, topics: undefined as never }, bad, {
      interviewer_id: 2,
      interviews: Number.NaN,
      completed: Number.POSITIVE_INFINITY,
      avg_rating: null,
    })
    expect(Number.isFinite(p) && p >= 0 && p <= 1).toBe(true)
  })
})

describe('ModelBook switching', () => {
  it('starts empty, swaps versions atomically, keeps the last good one on a corrupt version', () => {
    const book = new ModelBook()
    expect(book.current).toBeNull()
    const v1 = book.adopt(version(1, -2))
    expect(book.version).toBe(1)
    // A decision that took the model before a switch keeps scoring with it.
    const held = book.current
    book.adopt(version(2, 2))
    expect(book.version).toBe(2)
    expect(held).toBe(v1)
    expect(predictedSuccess(v1, user, iv)).toBeLessThan(predictedSuccess(book.current as NonNullable<typeof held>, user, iv))
    expect(codeOf(() => book.adopt(version(3, Number.NaN)))).toBe('invalid')
    expect(book.version).toBe(2)
    book.clear()
    expect(book.current).toBeNull()
  })
})
