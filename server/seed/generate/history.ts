// Interview history: who each user met, and how it went, sampled from the hidden ground truth.
// Pairs lean toward plausible matches (shared language, some topic overlap), as real routing would,
// with enough spread that the ground truth's deciles differ.
import type { Interviewer } from '../../../client/model.ts'
import type { InterviewOutcome, InterviewRecord } from '../../../actors/model/types.ts'
import { Rng, STREAM } from './rng.ts'
import { poolsFor, type Pools } from './pools.ts'
import { clamp, type UserCore } from './people.ts'
import { SENIORITY_RANK, probabilityOf } from './truth.ts'
import { DAY_MS, EPOCH_MS, LANGUAGES, TOPICS } from './vocab.ts'
import { isoTime } from './time.ts'

/** Bit per language and per topic (at most 32 of each), so pair features are a few integer ops. */
const LANGUAGE_BIT = new Map(LANGUAGES.items.map((l, i) => [l, 1 << i]))
const TOPIC_BIT = new Map(TOPICS.items.map((t, i) => [t, 1 << i]))
if (LANGUAGE_BIT.size > 32 || TOPIC_BIT.size > 32) throw new Error('history masks hold at most 32 languages and 32 topics')

function mask(xs: readonly string[], bits: Map<string, number>): number {
  let m = 0
  for (const x of xs) {
    const b = bits.get(x)
    if (b === undefined) throw new Error(`not in the generator's vocabulary: ${x}`)
    m |= b
  }
  return m
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/** A user's languages and topics as masks, computed once for all of their interviews. */
export interface UserMasks {
  languages: number
  topics: number
}
export function userMasks(user: UserCore, out: UserMasks = { languages: 0, topics: 0 }): UserMasks {
  out.languages = mask(user.languages, LANGUAGE_BIT)
  out.topics = mask(user.topics, TOPIC_BIT)
  return out
}

/**
 * Interviewers held once per seeding run as typed arrays by id (a few MB at 100k, where the objects
 * took ~60 MB), with the ids speaking each language for plausible pair draws.
 */
export class InterviewerIndex {
  /** Every id, in the order given. */
  readonly all: Int32Array
  readonly languages: Int32Array
  readonly topics: Int32Array
  readonly seniority: Uint8Array
  readonly rating: Float64Array
  readonly ai: Uint8Array
  readonly avgDuration: Uint16Array
  readonly #byLanguage = new Map<string, Int32Array>()

  /** From interviewers with ids 1..maxId (any order; they are not kept). */
  constructor(interviewers: Iterable<Interviewer>, maxId: number) {
    const all: number[] = []
    const byLanguage = new Map<string, number[]>()
    this.languages = new Int32Array(maxId + 1)
    this.topics = new Int32Array(maxId + 1)
    this.seniority = new Uint8Array(maxId + 1)
    this.rating = new Float64Array(maxId + 1)
    this.ai = new Uint8Array(maxId + 1)
    this.avgDuration = new Uint16Array(maxId + 1)
    for (const iv of interviewers) {
      const id = iv.id
      if (!(id >= 1 && id <= maxId)) throw new RangeError(`interviewer id ${id} outside 1..${maxId}`)
      all.push(id)
      this.languages[id] = mask(iv.languages, LANGUAGE_BIT)
      this.topics[id] = mask(iv.specializations, TOPIC_BIT)
      this.seniority[id] = SENIORITY_RANK[iv.seniority]
      this.rating[id] = iv.rating
      this.ai[id] = iv.type === 'ai' ? 1 : 0
      this.avgDuration[id] = iv.avg_duration_min
      for (const l of iv.languages) {
        let list = byLanguage.get(l)
        if (!list) byLanguage.set(l, (list = []))
        list.push(id)
      }
    }
    this.all = Int32Array.from(all)
    for (const [l, ids] of byLanguage) this.#byLanguage.set(l, Int32Array.from(ids))
  }

  static of(interviewers: readonly Interviewer[]): InterviewerIndex {
    let maxId = 0
    for (const iv of interviewers) maxId = Math.max(maxId, iv.id)
    return new InterviewerIndex(interviewers, maxId)
  }

  /** Ids of the interviewers speaking a language. */
  speaking(language: string): Int32Array | undefined {
    return this.#byLanguage.get(language)
  }
}

function pickInterviewer(r: Rng, user: UserCore, um: UserMasks, index: InterviewerIndex): number {
  const pool = r.chance(0.75) ? (index.speaking(r.pick(user.languages)) ?? index.all) : index.all
  let best = pool[r.index(pool.length)]
  if (r.chance(0.4)) {
    const topics = index.topics
    for (let k = 0; k < 2; k++) {
      const alt = pool[r.index(pool.length)]
      if (popcount(um.topics & topics[alt]) > popcount(um.topics & topics[best])) best = alt
    }
  }
  return best
}

/** One drawn interview: what a history row is made of. Reused across rows (no allocation per row). */
export interface InterviewDraw {
  interviewer_id: number
  outcome: InterviewOutcome
  duration_min: number
  rating: number | null
  topic: string
  /** Start, whole minutes. */
  started_ms: number
  /** Pool indexes of the transcript's lines (-1 when the interview ended before them). */
  phrase: number
  question: number
  phrase2: number
}

export function emptyDraw(): InterviewDraw {
  return { interviewer_id: 0, outcome: 'completed', duration_min: 0, rating: null, topic: '', started_ms: 0, phrase: -1, question: -1, phrase2: -1 }
}

/** Draws a user's next interview from its history stream into d. */
export function drawInterview(r: Rng, seed: number, user: UserCore, um: UserMasks, index: InterviewerIndex, pools: Pools, d: InterviewDraw): void {
  const iv = pickInterviewer(r, user, um, index)
  const ivTopics = index.topics[iv]
  const shared = um.topics & ivTopics
  const language = (um.languages & index.languages[iv]) !== 0 ? 1 : 0
  const p = probabilityOf(language, popcount(shared), user, iv, index.seniority[iv], index.rating[iv], index.ai[iv] === 1, seed)
  const outcome: InterviewOutcome = r.next() < p ? 'completed' : r.chance(0.45) ? 'no_show' : 'abandoned'
  // The user's first topic the interviewer covers, else any of theirs.
  let topic: string | undefined
  if (shared !== 0)
    for (const t of user.topics)
      if (TOPIC_BIT.get(t)! & ivTopics) {
        topic = t
        break
      }
  topic ??= r.pick(user.topics)
  const avg = index.avgDuration[iv]
  d.duration_min = outcome === 'completed' ? Math.round(avg * (0.75 + 0.5 * r.next())) : outcome === 'abandoned' ? r.int(2, Math.max(3, Math.round(avg / 2))) : 0
  d.rating = outcome === 'completed' ? Math.round(clamp(1 + 4 * p + 0.8 * r.normal(), 1, 5)) : null
  const since = user.created_ms
  const started = since + Math.floor(r.next() * (EPOCH_MS - since - DAY_MS))
  d.started_ms = started - (started % 60_000)
  d.interviewer_id = iv
  d.outcome = outcome
  d.topic = topic
  d.phrase = d.question = d.phrase2 = -1
  if (outcome !== 'no_show') {
    d.phrase = r.index(pools.phrases.length)
    if (outcome === 'completed') {
      d.question = r.index(pools.questions.length)
      d.phrase2 = r.index(pools.phrases.length)
    }
  }
}

export const NO_SHOW_TRANSCRIPT = 'Interviewer: Hello? [participant did not join]'
export const transcriptOpening = (topic: string): string => `Interviewer: Thanks for joining. Today is about ${topic}.\nUser: `
export const ABANDONED_END = '\n[call ended early]'
export const QUESTION_PREFIX = '\nInterviewer: '
export const ANSWER_PREFIX = '\nUser: '

function transcript(p: Pools, d: InterviewDraw): string {
  if (d.outcome === 'no_show') return NO_SHOW_TRANSCRIPT
  const opening = `${transcriptOpening(d.topic)}${p.phrases[d.phrase]}`
  return d.outcome === 'abandoned' ? `${opening}${ABANDONED_END}` : `${opening}${QUESTION_PREFIX}${p.questions[d.question]}${ANSWER_PREFIX}${p.phrases[d.phrase2]}`
}

/** The history of one user; ids start at firstId and are consecutive. */
export function makeHistory(seed: number, user: UserCore, count: number, firstId: number, index: InterviewerIndex): InterviewRecord[] {
  const out: InterviewRecord[] = []
  if (count === 0 || index.all.length === 0) return out
  const r = Rng.for(seed, STREAM.history, user.id)
  const pools = poolsFor(seed)
  const d = emptyDraw()
  const um = userMasks(user)
  for (let k = 0; k < count; k++) {
    drawInterview(r, seed, user, um, index, pools, d)
    out.push({
      id: firstId + k,
      user_id: user.id,
      interviewer_id: d.interviewer_id,
      outcome: d.outcome,
      duration_min: d.duration_min,
      rating: d.rating,
      topic: d.topic,
      transcript: transcript(pools, d),
      started_at: isoTime(d.started_ms),
    })
  }
  return out
}
