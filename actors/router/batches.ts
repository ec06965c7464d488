// The router's wire side: routes scored in the same event-loop turn are scattered to the shard
// hosts as ONE score batch per host (one gather, one deadline for all of them), and their commits as
// one batch per host; hosts answer commit items as their actors decide, gathered per turn. Each
// route gets back only its own answer, as a promise: its bids and skipped hosts, or its commit reply.
// Knows the wire messages, nothing of routes.
import type { Bid } from '../../client/model.ts'
import type { Subjects } from '../bus/subjects.ts'
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
  type ScoreBatch,
  type ScoreBatchReply,
  type ScoreReq,
} from '../shard/wire.ts'
import { EngineError } from '../engine.ts'

/** One route's share of a score batch. */
export interface Scored {
  /** Bids from every host that answered (each host's best first; merged unsorted). */
  bids: Bid[]
  /** Interviewers passing the static filters but full or too late, summed over the hosts. */
  full: number
  /** Hosts that did not answer before the deadline. */
  skipped: string[]
}

/** One route's commit answer, and when its batch left (performance.now()). */
export interface Committed {
  reply: CommitReply
  sentAt: number
}

export interface BatchesOptions {
  requester: Requester
  subjects: Subjects
  shardCount: number
  gatherDeadlineMs: number
  commitTimeoutMs: number
}

interface Pending<T> {
  resolve: (v: T) => void
  reject: (err: unknown) => void
}

interface ScoreItem extends Pending<Scored> {
  req: ScoreReq
  got: Scored
}

interface CommitItem extends Pending<Committed> {
  req: CommitReq
}

const NONE: string[] = []

export class Batches {
  #o: BatchesOptions
  #scoreSubjects: string[]
  #commitSubjects: string[][]
  #hostNames: string[]
  #scoreQ: ScoreItem[] = []
  #commitQ: CommitItem[][]
  #scheduled = false

  constructor(o: BatchesOptions) {
    this.#o = o
    const n = o.shardCount
    this.#scoreSubjects = Array.from({ length: n }, (_, i) => o.subjects.score(i))
    this.#commitSubjects = Array.from({ length: n }, (_, i) => [o.subjects.commit(i)])
    this.#hostNames = Array.from({ length: n }, (_, i) => `shard-${i}`)
    this.#commitQ = Array.from({ length: n }, () => [])
  }

  /** Scores `req` with the others of this turn; `alone` sends it at once in a batch of its own. */
  score(req: ScoreReq, alone = false): Promise<Scored> {
    return new Promise<Scored>((resolve, reject) => {
      const item: ScoreItem = { req, got: { bids: [], full: 0, skipped: NONE }, resolve, reject }
      if (alone) return this.#score([item])
      this.#scoreQ.push(item)
      this.#schedule()
    })
  }

  /** Commits `req` on `host` with the others of this turn. */
  commit(host: number, req: CommitReq): Promise<Committed> {
    return new Promise<Committed>((resolve, reject) => {
      this.#commitQ[host].push({ req, resolve, reject })
      this.#schedule()
    })
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    // After the promise jobs queued so far: the routes of this cascade go together. A microtask,
    // not process.nextTick: it runs wherever promises do (e.g. inside uWS callbacks).
    queueMicrotask(this.#flush)
  }

  #flush = (): void => {
    this.#scheduled = false
    if (this.#scoreQ.length > 0) {
      const items = this.#scoreQ
      this.#scoreQ = []
      this.#score(items)
    }
    for (let h = 0; h < this.#o.shardCount; h++) {
      if (this.#commitQ[h].length === 0) continue
      const items = this.#commitQ[h]
      this.#commitQ[h] = []
      this.#commit(h, items)
    }
  }

  /** Scatters one score batch to every host and gathers one reply per host. */
  #score(items: ScoreItem[]): void {
    const n = this.#o.shardCount
    const answered = new Uint8Array(n)
    const batch: ScoreBatch = { reqs: items.map((i) => i.req) }
    const onReply = (data: Uint8Array, value: unknown): number => {
      const rep = value !== undefined ? (value as ScoreBatchReply) : tryDecodeScoreBatchReply(data, items.length)
      if (!rep || !Number.isInteger(rep.shard) || rep.shard < 0 || rep.shard >= n || answered[rep.shard] === 1) return 0
      if (rep.lists.length !== items.length || rep.full.length !== items.length) return 0
      answered[rep.shard] = 1
      for (let i = 0; i < items.length; i++) {
        const got = items[i].got
        const list = rep.lists[i]
        // A copy: the host's list may be its own array (in-process).
        for (let b = 0; b < list.length; b++) got.bids.push(list[b])
        got.full += rep.full[i]
      }
      return 1
    }
    const onEnd = (_end: GatherEnd): void => {
      let skipped = NONE
      for (let h = 0; h < n; h++) if (answered[h] === 0) (skipped === NONE ? (skipped = []) : skipped).push(this.#hostNames[h])
      for (const item of items) {
        item.got.skipped = skipped
        item.resolve(item.got)
      }
    }
    try {
      this.#o.requester.call(this.#scoreSubjects, batch, encodeScoreBatch, this.#o.gatherDeadlineMs, n, onReply, onEnd)
    } catch (err) {
      failAll(items, err)
    }
  }

  #commit(host: number, items: CommitItem[]): void {
    const sentAt = performance.now()
    const done = new Uint8Array(items.length)
    const answer = (i: number, reply: CommitReply): void => {
      done[i] = 1
      items[i].resolve({ reply, sentAt })
    }
    const fail = (i: number, reason: string): void => {
      done[i] = 1
      items[i].reject(new EngineError('unavailable', reason))
    }
    const onReply = (data: Uint8Array, value: unknown): number => {
      let rep: CommitBatchReply
      try {
        rep = value !== undefined ? (value as CommitBatchReply) : decodeCommitBatchReply(data)
      } catch {
        // Unreadable: no item can be told apart, so each still waiting fails (the client retries).
        let n = 0
        for (let i = 0; i < items.length; i++) {
          if (done[i] === 1) continue
          fail(i, 'malformed commit reply')
          n++
        }
        return n
      }
      let n = 0
      for (let r = 0; r < rep.idx.length; r++) {
        const i = rep.idx[r]
        if (!Number.isInteger(i) || i < 0 || i >= items.length || done[i] === 1) continue
        answer(i, rep.replies[r])
        n++
      }
      return n
    }
    const onEnd = (end: GatherEnd): void => {
      if (end === 'all') return
      for (let i = 0; i < items.length; i++) if (done[i] === 0) fail(i, 'commit timed out')
    }
    const batch: CommitBatch = { items: items.map((i) => i.req) }
    try {
      this.#o.requester.call(this.#commitSubjects[host], batch, encodeCommitBatch, this.#o.commitTimeoutMs, items.length, onReply, onEnd)
    } catch (err) {
      failAll(items, err)
    }
  }
}

/** A batch that could not be sent (closed bus, unencodable): each of its routes fails `unavailable`. */
function failAll(items: Pending<never>[], err: unknown): void {
  const e = new EngineError('unavailable', 'routing request could not be sent', { cause: err })
  for (const i of items) i.reject(e)
}
