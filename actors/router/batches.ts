// The router's wire side: routes decided in the same event-loop turn are scattered to the shard
// hosts as ONE score message per host (one gather, one deadline for all of them), and their
// commits as one message per host; hosts answer commit items as their actors decide, gathered per
// turn. Each route keeps its own bids, skipped hosts and outcome; only the messages are shared.
import type { Bid } from '../../client/model.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import type { GatherEnd, Requester } from '../runtime/requester.ts'
import {
  decodeCommitBatchReply,
  encodeCommitBatch,
  encodeScoreBatch,
  tryDecodeScoreBatchReply,
  type CommitBatch,
  type CommitBatchReply,
  type CommitReply,
  type CommitReq,
  type DecisionDraft,
  type ScoreBatch,
  type ScoreBatchReply,
  type ScoreReq,
  type Subjects,
} from '../shard/messages.ts'
import type { Decided } from './decided.ts'
import { EngineError } from '../engine.ts'

/** One route in flight through the router; it is its own scoring request (see ScoreReq). */
export interface Job extends ScoreReq {
  route: RouteRequest
  t0: number
  /** performance.now() when this round's scoring request was queued (scatter→gather timing). */
  scattered: number
  /** Bids from every host that answered (best first once all are in). */
  bids: Bid[]
  full: number
  draft: DecisionDraft | null
  /** Index of the next bid to try. */
  next: number
  refused: number
  /** Re-scorings done after every bid was refused (see Router#tryNext). */
  rounds: number
  /** Bids of earlier rounds, all refused; kept for the decision record. */
  prior: Bid[] | null
  resolve: (d: Decided) => void
  reject: (err: unknown) => void
}

/** What the router does when a route's bids are in, and when its commit is answered. */
export interface Continuation {
  scored(job: Job, skipped: string[]): void
  committed(job: Job, rep: CommitReply): void
}

export interface BatchesOptions {
  requester: Requester
  subjects: Subjects
  shardCount: number
  gatherDeadlineMs: number
  commitTimeoutMs: number
}

const NONE: string[] = []
/** Answers the router makes up for commit items the host did not answer readably. */
export const TIMED_OUT: CommitReply = { ok: false, code: 'unavailable', reason: 'commit timed out' }
export const MALFORMED: CommitReply = { ok: false, code: 'unavailable', reason: 'malformed commit reply' }

export class Batches {
  #o: BatchesOptions
  #k: Continuation
  #scoreSubjects: string[]
  #commitSubjects: string[][]
  #hostNames: string[]
  #scoreQ: Job[] = []
  #commitJobs: Job[][]
  #commitReqs: CommitReq[][]
  #scheduled = false

  constructor(o: BatchesOptions, k: Continuation) {
    this.#o = o
    this.#k = k
    const n = o.shardCount
    this.#scoreSubjects = Array.from({ length: n }, (_, i) => o.subjects.score(i))
    this.#commitSubjects = Array.from({ length: n }, (_, i) => [o.subjects.commit(i)])
    this.#hostNames = Array.from({ length: n }, (_, i) => `shard-${i}`)
    this.#commitJobs = Array.from({ length: n }, () => [])
    this.#commitReqs = Array.from({ length: n }, () => [])
  }

  /** Scores this route with the others of this turn. */
  queueScore(job: Job): void {
    this.#scoreQ.push(job)
    this.#schedule()
  }

  /** Commits this route's current bid on `host` with the others of this turn. */
  queueCommit(host: number, job: Job, c: CommitReq): void {
    this.#commitJobs[host].push(job)
    this.#commitReqs[host].push(c)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    // After the continuations queued so far: the routes of this cascade of promise jobs go together.
    // A microtask, not process.nextTick: it runs wherever promises do (e.g. inside uWS callbacks).
    queueMicrotask(this.#flush)
  }

  #flush = (): void => {
    this.#scheduled = false
    if (this.#scoreQ.length > 0) {
      const jobs = this.#scoreQ
      this.#scoreQ = []
      this.score(jobs)
    }
    for (let h = 0; h < this.#o.shardCount; h++) {
      if (this.#commitJobs[h].length === 0) continue
      const jobs = this.#commitJobs[h]
      const items = this.#commitReqs[h]
      this.#commitJobs[h] = []
      this.#commitReqs[h] = []
      this.#commit(h, jobs, items)
    }
  }

  /** Scatters one score batch to every host and gathers one reply per host. */
  score(jobs: Job[]): void {
    const n = this.#o.shardCount
    const answered = new Uint8Array(n)
    const batch: ScoreBatch = { reqs: jobs }
    const onReply = (data: Uint8Array, value: unknown): number => {
      const rep = value !== undefined ? (value as ScoreBatchReply) : tryDecodeScoreBatchReply(data, jobs.length)
      if (!rep || !Number.isInteger(rep.shard) || rep.shard < 0 || rep.shard >= n || answered[rep.shard] === 1) return 0
      if (rep.lists.length !== jobs.length || rep.full.length !== jobs.length) return 0
      answered[rep.shard] = 1
      for (let i = 0; i < jobs.length; i++) {
        const j = jobs[i]
        const list = rep.lists[i]
        // The first host's list is taken as it is (best first, the host's own array); later ones append.
        if (j.bids.length === 0) j.bids = n === 1 ? list : list.slice()
        else for (let b = 0; b < list.length; b++) j.bids.push(list[b])
        j.full += rep.full[i]
      }
      return 1
    }
    const onEnd = (_end: GatherEnd): void => {
      let skipped = NONE
      for (let h = 0; h < n; h++) if (answered[h] === 0) (skipped === NONE ? (skipped = []) : skipped).push(this.#hostNames[h])
      for (let i = 0; i < jobs.length; i++) {
        try {
          this.#k.scored(jobs[i], skipped)
        } catch (err) {
          jobs[i].reject(err)
        }
      }
    }
    try {
      this.#o.requester.call(this.#scoreSubjects, batch, encodeScoreBatch, this.#o.gatherDeadlineMs, n, onReply, onEnd)
    } catch (err) {
      failAll(jobs, err)
    }
  }

  #commit(host: number, jobs: Job[], items: CommitReq[]): void {
    const done = new Uint8Array(jobs.length)
    const answer = (i: number, rep: CommitReply): void => {
      done[i] = 1
      try {
        this.#k.committed(jobs[i], rep)
      } catch (err) {
        jobs[i].reject(err)
      }
    }
    const onReply = (data: Uint8Array, value: unknown): number => {
      let rep: CommitBatchReply
      try {
        rep = value !== undefined ? (value as CommitBatchReply) : decodeCommitBatchReply(data)
      } catch {
        // Unreadable: no item can be told apart, so each still waiting fails (the client retries).
        let n = 0
        for (let i = 0; i < jobs.length; i++) {
          if (done[i] === 1) continue
          answer(i, MALFORMED)
          n++
        }
        return n
      }
      let n = 0
      for (let r = 0; r < rep.idx.length; r++) {
        const i = rep.idx[r]
        if (!Number.isInteger(i) || i < 0 || i >= jobs.length || done[i] === 1) continue
        answer(i, rep.replies[r])
        n++
      }
      return n
    }
    const onEnd = (end: GatherEnd): void => {
      if (end === 'all') return
      for (let i = 0; i < jobs.length; i++) if (done[i] === 0) answer(i, TIMED_OUT)
    }
    const batch: CommitBatch = { items }
    try {
      this.#o.requester.call(this.#commitSubjects[host], batch, encodeCommitBatch, this.#o.commitTimeoutMs, jobs.length, onReply, onEnd)
    } catch (err) {
      failAll(jobs, err)
    }
  }
}

/** A batch that could not be sent (closed bus, unencodable): each of its routes fails `unavailable`. */
function failAll(jobs: Job[], err: unknown): void {
  const e = new EngineError('unavailable', 'routing request could not be sent', { cause: err })
  for (const j of jobs) j.reject(e)
}

/** The empty bids a job starts with (shared, never written: the first reply replaces it). */
export const NO_BIDS: Bid[] = []
