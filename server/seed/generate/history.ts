// Interview history: who each user met, and how it went, sampled from the hidden ground truth.
// Pairs lean toward plausible matches (shared language, some topic overlap), as real routing would,
// with enough spread that the ground truth's deciles differ.
import type { Interviewer, InterviewOutcome, InterviewRecord } from '../../../actors/model/types.ts'
import { Rng, STREAM } from './rng.ts'
import { poolsFor, type Pools } from './pools.ts'
import { clamp, type UserCore } from './people.ts'
import { trueSuccessProbability } from './truth.ts'
import { DAY_MS, EPOCH_MS } from './vocab.ts'
import { isoTime } from './time.ts'

/** Interviewers held once per seeding run, indexed by language for plausible pair draws. */
export class InterviewerIndex {
  readonly all: Interviewer[]
  readonly #byLanguage = new Map<string, Interviewer[]>()
  constructor(interviewers: Interviewer[]) {
    this.all = interviewers
    for (const iv of interviewers) {
      for (const l of iv.languages) {
        let list = this.#byLanguage.get(l)
        if (!list) this.#byLanguage.set(l, (list = []))
        list.push(iv)
      }
    }
  }
  speaking(language: string): Interviewer[] | undefined {
    return this.#byLanguage.get(language)
  }
}

function overlap(user: UserCore, iv: Interviewer): number {
  let n = 0
  for (const t of user.topics) if (iv.specializations.includes(t)) n++
  return n
}

function pickInterviewer(r: Rng, user: UserCore, index: InterviewerIndex): Interviewer {
  const pool = r.chance(0.75) ? (index.speaking(r.pick(user.languages)) ?? index.all) : index.all
  let best = r.pick(pool)
  if (r.chance(0.4)) {
    for (let k = 0; k < 2; k++) {
      const alt = r.pick(pool)
      if (overlap(user, alt) > overlap(user, best)) best = alt
    }
  }
  return best
}

function transcript(r: Rng, p: Pools, outcome: InterviewOutcome, topic: string): string {
  if (outcome === 'no_show') return 'Interviewer: Hello? [participant did not join]'
  const opening = `Interviewer: Thanks for joining. Today is about ${topic}.\nUser: ${r.pick(p.phrases)}`
  return outcome === 'abandoned' ? `${opening}\n[call ended early]`
    : `${opening}\nInterviewer: ${r.pick(p.questions)}\nUser: ${r.pick(p.phrases)}`
}

/** The history of one user; ids start at firstId and are consecutive. */
export function makeHistory(seed: number, user: UserCore, count: number, firstId: number, index: InterviewerIndex): InterviewRecord[] {
  const out: InterviewRecord[] = []
  if (count === 0 || index.all.length === 0) return out
  const r = Rng.for(seed, STREAM.history, user.id)
  const since = user.created_ms
  const pools = poolsFor(seed)
  for (let k = 0; k < count; k++) {
    const iv = pickInterviewer(r, user, index)
    const p = trueSuccessProbability(user, iv, seed)
    const outcome: InterviewOutcome = r.next() < p ? 'completed' : r.chance(0.45) ? 'no_show' : 'abandoned'
    const shared = user.topics.find((t) => iv.specializations.includes(t))
    const topic = shared ?? r.pick(user.topics)
    const avg = iv.avg_duration_min
    const duration_min = outcome === 'completed' ? Math.round(avg * (0.75 + 0.5 * r.next()))
      : outcome === 'abandoned' ? r.int(2, Math.max(3, Math.round(avg / 2))) : 0
    const rating = outcome === 'completed' ? Math.round(clamp(1 + 4 * p + 0.8 * r.normal(), 1, 5)) : null
    const started = since + Math.floor(r.next() * (EPOCH_MS - since - DAY_MS))
    out.push({
      id: firstId + k,
      user_id: user.id,
      interviewer_id: iv.id,
      outcome,
      duration_min,
      rating,
      topic,
      transcript: transcript(r, pools, outcome, topic),
      started_at: isoTime(started - (started % 60_000)),
    })
  }
  return out
}
