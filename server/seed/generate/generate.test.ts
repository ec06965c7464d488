// The generator's guarantees, without a database: determinism, realistic shape, signal in history.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { InterviewRecord } from '../../../actors/model/types.ts'
import { DEMO_SEED, DEMO_SIZES } from '../index.ts'
import { DEMO_TOPICS, InterviewerIndex, generateInterviewers, historyBatches, interviewerBatches, makeUser, makeUserCore, totalHistory, userBatches, type Sizes } from './index.ts'
import { trueSuccessProbability } from './truth.ts'

const SIZES: Sizes = { users: 3_000, interviewers: 300, historyPerUser: 4 }

function digest(batches: Iterable<unknown[]>): string {
  const h = createHash('sha256')
  for (const b of batches) for (const row of b) h.update(JSON.stringify(row))
  return h.digest('hex')
}

describe('generator determinism', () => {
  it('same seed and sizes give identical rows, whatever the batch size', () => {
    for (const [name, gen] of [
      ['users', userBatches],
      ['interviewers', interviewerBatches],
      ['history', historyBatches],
    ] as const) {
      const a = digest(gen(5, SIZES, 1000))
      expect(digest(gen(5, SIZES, 37)), name).toBe(a)
      expect(digest(gen(6, SIZES, 1000)), name).not.toBe(a)
    }
  })

  it('history ids are consecutive and reference existing users and interviewers', () => {
    const rows = [...historyBatches(5, SIZES, 500)].flat()
    expect(rows.length).toBe(totalHistory(5, SIZES))
    for (const [i, r] of rows.entries()) expect(r.id).toBe(i + 1)
    expect(rows.every((r) => r.user_id >= 1 && r.user_id <= SIZES.users && r.interviewer_id >= 1 && r.interviewer_id <= SIZES.interviewers)).toBe(true)
    // About K per user on average.
    expect(rows.length / SIZES.users).toBeGreaterThan(3.5)
    expect(rows.length / SIZES.users).toBeLessThan(4.5)
  })

  it('users agree with the core fields history is built from', () => {
    for (const id of [1, 42, 2999]) {
      const u = makeUser(5, id)
      const c = makeUserCore(5, id)
      expect(u).toMatchObject({ id, languages: c.languages, topics: c.topics, level: c.level, preferred_type: c.preferred_type })
      expect(Date.parse(u.created_at)).toBe(c.created_ms)
    }
  })
})

describe('byte encoding', () => {
  const text = (chunks: Iterable<{ bytes: Uint8Array }>): string => {
    const parts: Buffer[] = []
    for (const c of chunks) parts.push(Buffer.from(c.bytes))
    return Buffer.concat(parts).toString('utf8')
  }
  it('users and history bytes equal encodeCopy of the generated rows, for any chunk size', async () => {
    const { encodeCopy } = await import('../../store/copy.ts')
    const { historyByteChunks, userByteChunks } = await import('./encode.ts')
    for (const seed of [5, DEMO_SEED]) {
      const users = [...userBatches(seed, SIZES)].flat()
      const u = text(userByteChunks(seed, SIZES, () => {}))
      expect(u).toBe(encodeCopy('users', users))
      expect(text(userByteChunks(seed, SIZES, () => {}, 1000))).toBe(u)
      // Non-ASCII names (accents) survive as UTF-8.
      expect(/[^\p{ASCII}]/u.test(u)).toBe(true)
      const ivs = generateInterviewers(seed, SIZES.interviewers)
      const history = [...historyBatches(seed, SIZES, 1000, ivs)].flat()
      const outcomes: string[] = []
      const h = text(historyByteChunks(seed, SIZES, InterviewerIndex.of(ivs), (o) => outcomes.push(o), 4096))
      expect(h).toBe(encodeCopy('interviews', history))
      expect(outcomes).toEqual(history.map((r) => r.outcome))
    }
  })
})

describe('generated distributions', () => {
  const users = [...userBatches(9, SIZES)].flat()
  const ivs = generateInterviewers(9, SIZES.interviewers)

  it('users: English most common, then Spanish; timezones and emails well formed', () => {
    const first = new Map<string, number>()
    for (const u of users) first.set(u.languages[0], (first.get(u.languages[0]) ?? 0) + 1)
    const ranked = [...first].sort((a, b) => b[1] - a[1]).map(([l]) => l)
    expect(ranked.slice(0, 2)).toEqual(['English', 'Spanish'])
    expect(ranked.length).toBeGreaterThanOrEqual(8)
    for (const u of users) {
      expect(u.timezone).toMatch(/^[A-Z][A-Za-z_]+\/[A-Za-z_/]+$/)
      expect(u.email).toMatch(/^[a-z0-9]+\.[a-z0-9]+\d+@[a-z.]+$/)
      expect(u.topics.length).toBeGreaterThanOrEqual(1)
      expect(new Set(u.languages).size).toBe(u.languages.length)
    }
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length)
  })

  it('interviewers: human and AI with the shapes the router relies on', () => {
    const ai = ivs.filter((i) => i.type === 'ai')
    const human = ivs.filter((i) => i.type === 'human')
    expect(ai.length / ivs.length).toBeGreaterThan(0.1)
    expect(ai.length / ivs.length).toBeLessThan(0.35)
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(ai.map((i) => i.cost))).toBeLessThan(mean(human.map((i) => i.cost)))
    expect(mean(ai.map((i) => i.languages.length))).toBeGreaterThan(mean(human.map((i) => i.languages.length)))
    expect(mean(ai.map((i) => i.concurrency))).toBeGreaterThan(mean(human.map((i) => i.concurrency)))
    for (const i of ivs) {
      expect(i.capacity).toBeGreaterThanOrEqual(i.concurrency)
      expect(i.rating).toBeGreaterThanOrEqual(1)
      expect(i.rating).toBeLessThanOrEqual(5)
      expect(i.cost).toBeGreaterThan(0)
    }
    const cleared = ivs.filter((i) => i.clearance).length / ivs.length
    expect(cleared).toBeGreaterThan(0.05)
    expect(cleared).toBeLessThan(0.4)
  })
})

describe('hidden ground truth', () => {
  it('carries signal: top-decile pairs succeed far more often than bottom-decile pairs', () => {
    const seed = 21
    const sizes: Sizes = { users: 5_000, interviewers: 400, historyPerUser: 4 }
    const ivs = generateInterviewers(seed, sizes.interviewers)
    const scored: { p: number; r: InterviewRecord }[] = []
    for (const r of [...historyBatches(seed, sizes, 1000, ivs)].flat()) {
      scored.push({ p: trueSuccessProbability(makeUserCore(seed, r.user_id), ivs[r.interviewer_id - 1], seed), r })
    }
    scored.sort((a, b) => a.p - b.p)
    const tenth = Math.floor(scored.length / 10)
    const rate = (xs: typeof scored): number => xs.filter((x) => x.r.outcome === 'completed').length / xs.length
    const bottom = rate(scored.slice(0, tenth))
    const top = rate(scored.slice(-tenth))
    expect(top).toBeGreaterThan(0.8)
    expect(top).toBeGreaterThanOrEqual(2 * bottom)
    // Ratings of completed interviews follow the truth too.
    const meanRating = (xs: typeof scored): number => {
      const done = xs.filter((x) => x.r.rating !== null)
      return done.reduce((a, x) => a + x.r.rating!, 0) / done.length
    }
    expect(meanRating(scored.slice(-tenth))).toBeGreaterThan(meanRating(scored.slice(0, tenth)) + 0.5)
  })

  it('is deterministic per pair and within (0, 1)', () => {
    const u = makeUser(3, 10)
    const iv = generateInterviewers(3, 5)[2]
    const p = trueSuccessProbability(u, iv, 3)
    expect(p).toBe(trueSuccessProbability(u, iv, 3))
    expect(p).toBeGreaterThan(0)
    expect(p).toBeLessThan(1)
    expect(trueSuccessProbability(u, iv, 4)).not.toBe(p)
  })
})

describe('demo dataset', () => {
  const users = [...userBatches(DEMO_SEED, DEMO_SIZES)].flat()
  const ivs = generateInterviewers(DEMO_SEED, DEMO_SIZES.interviewers)

  it('has integer ids 1..N, user 42, and nobody speaks Klingon', () => {
    expect(users.map((u) => u.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    expect(ivs.map((i) => i.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(users.find((u) => u.id === 42)).toBeDefined()
    expect([...users, ...ivs].some((x) => x.languages.includes('Klingon'))).toBe(false)
  })

  it('several online English interviewers cover each demo topic within budgets of 50–100', () => {
    for (const topic of DEMO_TOPICS) {
      const fit = ivs.filter((i) => i.availability === 'online' && i.languages.includes('English') && i.specializations.includes(topic))
      expect(fit.filter((i) => i.cost <= 50).length, topic).toBeGreaterThanOrEqual(3)
      expect(fit.filter((i) => i.cost <= 100).length, topic).toBeGreaterThanOrEqual(5)
    }
  })

  it('capacities are small enough for a 20-request burst to fill queues; most are online', () => {
    for (const i of ivs) {
      expect(i.capacity).toBeGreaterThanOrEqual(2)
      expect(i.capacity).toBeLessThanOrEqual(8)
    }
    expect(ivs.filter((i) => i.availability === 'online').length).toBeGreaterThan(60)
  })
})

describe('helpers', () => {
  it('isoTime matches Date#toISOString', async () => {
    const { isoTime } = await import('./time.ts')
    const fc = await import('fast-check')
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), (ms) => isoTime(ms) === new Date(ms).toISOString()))
  })

  it('trueSuccessProbability is the sigmoid of the documented features', async () => {
    const { truthFeatures, TRUTH_WEIGHTS: w } = await import('./truth.ts')
    const ivs = generateInterviewers(8, 50)
    for (let id = 1; id <= 50; id++) {
      const u = makeUser(8, id)
      const iv = ivs[id - 1]
      const f = truthFeatures(u, iv)
      const withoutNoise = w.bias + w.language * f.language + w.topic * f.topic + w.experience * (f.experience - 0.5) + w.rating * f.rating + w.type_fit * f.type_fit
      const z = Math.log(trueSuccessProbability(u, iv, 8) / (1 - trueSuccessProbability(u, iv, 8)))
      // The remainder is the pair noise: bounded by noise weight × √12 × 2 (Irwin–Hall of 4 uniforms).
      expect(Math.abs(z - withoutNoise)).toBeLessThanOrEqual(w.noise * 3.47)
    }
  })
})
