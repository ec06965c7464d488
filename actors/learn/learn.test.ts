// The success model's pure parts: pair features (finite for any input) and the logistic trainer.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Interviewer } from '../../client/model.ts'
import type { User } from '../model/types.ts'
import { FEATURE_NAMES, featuresOf, sanitize } from './features.ts'
import { fitLogistic, LearnError, metricsOf, predict, sigmoid } from './logistic.ts'
import { trainSuccessModel } from './train.ts'
import { pairInterviewer as iv, pairUser as user } from '../testing/pairs.ts'

/** mulberry32: a seeded generator, so the synthetic data is the same every run. */
function seeded(seed: number): { next(): number } {
  let a = seed >>> 0
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    },
  }
}

function synthetic(seed: number, n: number, intercept: number, coef: number[]): { xs: number[][]; ys: number[] } {
  const rng = seeded(seed)
  const xs: number[][] = []
  const ys: number[] = []
  for (let i = 0; i < n; i++) {
    const x = coef.map(() => rng.next() * 2 - 1)
    const z = intercept + x.reduce((s, v, j) => s + v * coef[j], 0)
    xs.push(x)
    ys.push(rng.next() < sigmoid(z) ? 1 : 0)
  }
  return { xs, ys }
}

describe('logistic regression (IRLS, L2)', () => {
  it('recovers known coefficients on synthetic data', () => {
    const truth = { intercept: -0.4, coef: [1.5, -2, 0.7, 0] }
    const { xs, ys } = synthetic(7, 40_000, truth.intercept, truth.coef)
    const m = fitLogistic(xs, ys, { l2: 0.01 })
    expect(m.intercept).toBeCloseTo(truth.intercept, 1)
    for (const [j, c] of m.coefficients.entries()) expect(Math.abs(c - truth.coef[j])).toBeLessThan(0.1)
  })

  it('is calibrated: its Brier score beats the base rate, and AUC ranks the signal', () => {
    const { xs, ys } = synthetic(9, 10_000, 0.3, [2, -1])
    const m = fitLogistic(xs, ys)
    const preds = xs.map((x) => predict(m, x))
    const met = metricsOf(preds, ys)
    const rate = ys.reduce((a, b) => a + b, 0) / ys.length
    const base = metricsOf(
      ys.map(() => rate),
      ys,
    )
    expect(met.brier).toBeLessThan(base.brier)
    expect(met.auc).toBeGreaterThan(0.7)
    expect(base.auc).toBe(0.5)
    // Calibration in the large: mean prediction equals the positive rate (a property of the MLE with intercept).
    expect(Math.abs(preds.reduce((a, b) => a + b, 0) / preds.length - rate)).toBeLessThan(0.01)
  })

  it('a stronger L2 penalty shrinks the coefficients', () => {
    const { xs, ys } = synthetic(3, 2000, 0, [3, -3])
    const loose = fitLogistic(xs, ys, { l2: 0.01 })
    const tight = fitLogistic(xs, ys, { l2: 500 })
    expect(Math.hypot(...tight.coefficients)).toBeLessThan(Math.hypot(...loose.coefficients))
  })

  it('stays finite on separable data (the penalty bounds it)', () => {
    const xs = [[-1], [-0.5], [0.5], [1]]
    const m = fitLogistic(xs, [0, 0, 1, 1], { l2: 0.1 })
    expect(Number.isFinite(m.coefficients[0]) && m.coefficients[0] > 0).toBe(true)
  })

  it('refuses bad input with typed errors', () => {
    const code = (f: () => unknown) => {
      try {
        f()
        return 'ok'
      } catch (e) {
        expect(e).toBeInstanceOf(LearnError)
        return (e as LearnError).code
      }
    }
    expect(code(() => fitLogistic([], []))).toBe('too_few_rows')
    expect(code(() => fitLogistic([[1]], [1, 0]))).toBe('invalid')
    expect(code(() => fitLogistic([[1], [1, 2]], [1, 0]))).toBe('invalid')
    expect(code(() => fitLogistic([[Number.NaN]], [1]))).toBe('invalid')
  })

  it('AUC of a perfect ranking is 1, of a reversed one 0, ties count half', () => {
    expect(metricsOf([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]).auc).toBe(1)
    expect(metricsOf([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]).auc).toBe(0)
    expect(metricsOf([0.5, 0.5], [0, 1]).auc).toBe(0.5)
  })
})

describe('pair features', () => {
  it('measure the pair: language, topic overlap, level vs seniority, rating, type preference', () => {
    const f = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, featuresOf(user, iv, { interviewer_id: 2, interviews: 10, completed: 8, avg_rating: 4 })[i]]))
    expect(f).toMatchObject({ language_match: 1, topic_overlap: 0.5, level_fit: 1, rating: 1, type_match: 1, type_mismatch: 0 })
    const other = featuresOf({ ...user, languages: ['German'], level: 'entry', preferred_type: 'ai' }, { ...iv, seniority: 'principal' })
    expect(other.slice(0, 6)).toEqual([0, 0.5, 0, 1, 0, 1])
    expect(featuresOf(user, iv, null, ['pricing'])[1]).toBe(0)
    // Coverage of the user's whole profile stays whatever the request's topic.
    const cov = FEATURE_NAMES.indexOf('user_topic_coverage')
    expect(featuresOf(user, iv, null, ['pricing'])[cov]).toBe(0.5)
    expect(featuresOf(user, { ...iv, specializations: ['FINTECH', 'Pricing'] }, null, ['pricing'])[cov]).toBe(1)
    expect(featuresOf({ ...user, topics: [] }, iv)[cov]).toBe(0)
  })

  it('are finite and bounded for any input, NaN and Infinity included', () => {
    const num = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.constant(Number.NEGATIVE_INFINITY), fc.integer())
    const strs = fc.array(fc.string(), { maxLength: 5 })
    fc.assert(
      fc.property(num, num, num, num, num, strs, strs, fc.option(fc.constantFrom('human', 'ai') as fc.Arbitrary<'human' | 'ai'>), (rating, cost, years, n, done, langs, topics, pref) => {
        const f = featuresOf(
          { ...user, languages: langs, topics, preferred_type: pref, level: 'bogus' as User['level'] },
          { ...iv, rating, cost, years_experience: years, seniority: 'bogus' as Interviewer['seniority'] },
          { interviewer_id: 2, interviews: n, completed: done, avg_rating: null },
        )
        expect(f).toHaveLength(FEATURE_NAMES.length)
        for (const v of f) expect(Number.isFinite(v) && Math.abs(v) <= 3).toBe(true)
      }),
    )
    expect(sanitize(Number.NaN, 0, 1, 0.5)).toBe(0.5)
    expect(sanitize(Number.POSITIVE_INFINITY, 0, 1, 0.5)).toBe(0.5)
    expect(sanitize(7, 0, 1, 0.5)).toBe(1)
  })
})

describe('trainSuccessModel', () => {
  const ivs = new Map([
    [1, { ...iv, id: 1, rating: 5, specializations: ['fintech'] }],
    [2, { ...iv, id: 2, rating: 1, specializations: ['other'] }],
  ])
  it('fits on history and reports hold-out metrics; the signal shows in AUC', () => {
    const rng = seeded(5)
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const good = i % 2 === 0
      return { user, interviewer_id: good ? 1 : 2, topic: 'FinTech', outcome: rng.next() < (good ? 0.8 : 0.3) ? ('completed' as const) : ('no_show' as const) }
    })
    const t = trainSuccessModel(rows, ivs, new Map())
    expect(t.features).toEqual([...FEATURE_NAMES])
    expect(t.rows_used).toBe(1000)
    expect(t.metrics).toMatchObject({ train_rows: 800, holdout_rows: 200 })
    expect(t.metrics.auc).toBeGreaterThan(0.65)
    expect(predict(t.model, featuresOf(user, ivs.get(1) as Interviewer, null, ['FinTech']))).toBeGreaterThan(predict(t.model, featuresOf(user, ivs.get(2) as Interviewer, null, ['FinTech'])))
  })
  it('a tiny or one-sided history is refused with too_few_rows', () => {
    const codeOf = (rows: Parameters<typeof trainSuccessModel>[0]) => {
      try {
        trainSuccessModel(rows, ivs, new Map())
        return 'ok'
      } catch (e) {
        return (e as LearnError).code
      }
    }
    expect(codeOf([])).toBe('too_few_rows')
    expect(codeOf(Array.from({ length: 50 }, () => ({ user, interviewer_id: 1, topic: 'x', outcome: 'completed' as const })))).toBe('too_few_rows')
    expect(codeOf(Array.from({ length: 500 }, () => ({ user, interviewer_id: 1, topic: 'x', outcome: 'completed' as const })))).toBe('too_few_rows')
    // Rows of unknown interviewers are not usable.
    expect(codeOf(Array.from({ length: 500 }, (_, i) => ({ user, interviewer_id: 99, topic: 'x', outcome: i % 2 ? ('completed' as const) : ('abandoned' as const) })))).toBe('too_few_rows')
  })
})
