// The synthetic data generator (pure, no I/O): users, interviewers and interview history as batches,
// deterministic for (seed, sizes) and independent of batch size, in constant memory per batch.
import type { Interviewer } from '../../../client/model.ts'
import type { InterviewRecord, User } from '../../../actors/model/types.ts'
import { InterviewerIndex, makeHistory } from './history.ts'
import { DEFAULT_BATCH, historyCount, type Sizes } from './sizes.ts'
import { makeInterviewer, makeUser, makeUserCore } from './people.ts'

export { makeUser, makeUserCore } from './people.ts'
export { InterviewerIndex } from './history.ts'
export { DEFAULT_BATCH, totalHistory, type Sizes } from './sizes.ts'
export { DEMO_TOPICS } from './vocab.ts'

function* ranged<T>(n: number, make: (id: number) => T, batch: number): Generator<T[]> {
  for (let lo = 1; lo <= n; lo += batch) {
    const hi = Math.min(n, lo + batch - 1)
    const out: T[] = new Array(hi - lo + 1)
    for (let id = lo; id <= hi; id++) out[id - lo] = make(id)
    yield out
  }
}

export function userBatches(seed: number, sizes: Sizes, batch = DEFAULT_BATCH): Generator<User[]> {
  return ranged(sizes.users, (id) => makeUser(seed, id), batch)
}

export function interviewerBatches(seed: number, sizes: Sizes, batch = DEFAULT_BATCH): Generator<Interviewer[]> {
  return ranged(sizes.interviewers, (id) => makeInterviewer(seed, id), batch)
}

/** Interviewers 1..n one at a time (none kept). */
export function* eachInterviewer(seed: number, n: number): Generator<Interviewer> {
  for (let id = 1; id <= n; id++) yield makeInterviewer(seed, id)
}

/** The history generator's view of interviewers 1..n, built without holding their objects. */
export function interviewerIndex(seed: number, n: number): InterviewerIndex {
  return new InterviewerIndex(eachInterviewer(seed, n), n)
}

export function generateInterviewers(seed: number, n: number): Interviewer[] {
  const out: Interviewer[] = new Array(n)
  for (let id = 1; id <= n; id++) out[id - 1] = makeInterviewer(seed, id)
  return out
}

/** History for users 1..N in order, ids 1.. consecutive; holds all interviewers (≤ 100k) in memory. */
export function* historyBatches(seed: number, sizes: Sizes, batch = DEFAULT_BATCH, interviewers?: Interviewer[]): Generator<InterviewRecord[]> {
  const index = interviewers ? InterviewerIndex.of(interviewers) : interviewerIndex(seed, sizes.interviewers)
  let nextId = 1
  let out: InterviewRecord[] = []
  for (let uid = 1; uid <= sizes.users; uid++) {
    const count = historyCount(seed, uid, sizes.historyPerUser)
    if (count === 0) continue
    for (const rec of makeHistory(seed, makeUserCore(seed, uid), count, nextId, index)) out.push(rec)
    nextId += count
    if (out.length >= batch) {
      yield out
      out = []
    }
  }
  if (out.length) yield out
}
