// The shard host: one per process, hosting the interviewer actors of its shard (id % SHARD_COUNT
// === SHARD_INDEX). It answers scoring requests from its candidate index with top-k bids, hands
// commits and control messages to the owning actor's mailbox, and keeps the index current.
import type { Logger, AssignmentLog, Directory } from '../ports.ts'
import type { AssignmentState, Bid, Interviewer } from '../../client/model.ts'
import type { Assignment, InterviewerStats } from '../model/types.ts'
import type { InterviewEnd, InterviewerState, RouteRequest } from '../../client/protocol.ts'
import type { Bus, BusMsg, BusSubscription } from '../bus/types.ts'
import type { GroupCommitter } from '../commit/committer.ts'
import { InterviewerActor, type ActorEnv, type TransitionReply } from '../interviewer/actor.ts'
import { InterviewerQueue } from '../interviewer/queue.ts'
import type { Requester } from '../runtime/requester.ts'
import { contextInto, contextOf } from '../scoring/scoring.ts'
import type { WeightsBook } from '../scoring/weights.ts'
import { CandidateIndex } from './candidates.ts'
import { ANY_FREED, freedNotice } from '../held/notice.ts'
import type { Subjects } from '../bus/subjects.ts'
import {
  decodeCommitBatch,
  decodeScoreBatch,
  encodeCommitBatchReply,
  encodeScoreBatchReply,
  pack,
  sendValue,
  unpack,
  type BidderMsg,
  type CommitBatch,
  type CommitBatchReply,
  type CommitReply,
  type CommitReq,
  type CtlReply,
  type CtlReq,
  type ScoreBatch,
  type ScoreBatchReply,
} from './wire.ts'
import { applyRemoteBids } from './remote.ts'
import { isoNow, seqIso } from '../runtime/clock.ts'
import { nextId } from '../runtime/ids.ts'

/** Ids below this are also kept in a plain array (4M slots at most, 16 MB, only if ids reach that high). */
const DENSE_IDS = 1 << 22

export interface ShardHostOptions {
  bus: Bus
  subjects: Subjects
  shardIndex: number
  shardCount: number
  nodeId: string
  committer: GroupCommitter
  store: Directory & Pick<AssignmentLog, 'openAssignments'>
  weights: WeightsBook
  requester: Requester
  mailboxLimit: number
  offerTimeoutMs: number
  log: Logger
  scanLimit?: number
  /** An assignment changed state; the callee builds the event only if someone listens. */
  onAssignment: (a: Assignment, previous: AssignmentState | null, currentQueue: number) => void
  /** Applies restored live state (a snapshot) to a queue just built at load. */
  adopt?: (q: InterviewerQueue) => void
  /** An offer expired (committed); the engine routes the user again. */
  onOfferExpired?: (a: Assignment, req: RouteRequest | undefined) => void
}

/** A commit batch's answers not yet sent. */
interface Outgoing {
  reply: string
  idx: number[]
  replies: CommitReply[]
  queued: boolean
}

export class ShardHost {
  #o: ShardHostOptions
  #actors = new Map<number, InterviewerActor>()
  /** The same actors by id for ids below DENSE_IDS: the commit path's lookup is one array read. */
  #dense: (InterviewerActor | undefined)[] = []
  #byAssignment = new Map<string, InterviewerActor>()
  #index: CandidateIndex
  #remote = new Set<number>()
  #subs: BusSubscription[] = []
  #env: ActorEnv
  /** Reused by every scan (scans are synchronous). */
  #ctx = contextOf([], 0, -1, 0)
  /** Commit batches with answers to send at the end of this turn. */
  #outbox: Outgoing[] = []

  constructor(o: ShardHostOptions) {
    this.#o = o
    this.#index = new CandidateIndex({ scanLimit: o.scanLimit })
    this.#env = {
      committer: o.committer,
      mailboxLimit: o.mailboxLimit,
      offerTimeoutMs: o.offerTimeoutMs,
      log: o.log,
      changed: (a) => this.#index.update(a),
      assignmentEvent: (a, previous, current_queue) => o.onAssignment(a, previous, current_queue),
      freed: (iv) => {
        const a = this.#actors.get(iv)
        if (a) o.bus.publish(o.subjects.freed, pack(freedNotice(a.queue)))
      },
      track: (id, actor) => {
        if (actor) this.#byAssignment.set(id, actor)
        else this.#byAssignment.delete(id)
      },
      offerExpired: (a, req) => o.onOfferExpired?.(a, req),
      reloadOpen: async (iv) => (await o.store.openAssignments()).filter((a) => a.interviewer_id === iv),
    }
  }

  get size(): number {
    return this.#actors.size
  }

  get openAssignments(): number {
    return this.#byAssignment.size
  }

  /** Every hosted queue (snapshot capture reads them between messages, never writes). */
  *queues(): Iterable<InterviewerQueue> {
    for (const a of this.#actors.values()) yield a.queue
  }

  owns(iv: number): boolean {
    return iv % this.#o.shardCount === this.#o.shardIndex
  }

  /** (Re)loads this shard's interviewers, history stats and open assignments from the store. */
  async load(): Promise<{ interviewers: number }> {
    const [ivs, stats, open] = await Promise.all([this.#o.store.loadInterviewers(), this.#o.store.interviewerStats(), this.#o.store.openAssignments()])
    const statsBy = new Map(stats.map((s) => [s.interviewer_id, s]))
    const openBy = new Map<number, Assignment[]>()
    for (const a of open) {
      if (!this.owns(a.interviewer_id)) continue
      const list = openBy.get(a.interviewer_id)
      if (list) list.push(a)
      else openBy.set(a.interviewer_id, [a])
    }
    const seen = new Set<number>()
    for (const iv of ivs) {
      if (!this.owns(iv.id)) continue
      seen.add(iv.id)
      this.#upsert(iv, statsBy, openBy.get(iv.id) ?? [])
    }
    for (const [id, actor] of this.#actors) {
      if (seen.has(id)) continue
      this.#index.remove(actor)
      this.#actors.delete(id)
      if (id >= 0 && id < this.#dense.length) this.#dense[id] = undefined
    }
    return { interviewers: this.#actors.size }
  }

  #upsert(iv: Interviewer, statsBy: Map<number, InterviewerStats>, open: Assignment[]): void {
    const old = this.#actors.get(iv.id)
    const q = new InterviewerQueue(iv, statsBy.get(iv.id))
    if (old) {
      // Keep live state (queue, availability) across a reload; take the new profile.
      q.restore(old.queue.entries.map((e) => e.a))
      q.availability = old.queue.availability
      q.lastAssignedAt = old.queue.lastAssignedAt
      this.#index.remove(old)
    } else {
      q.restore(open)
      this.#o.adopt?.(q)
    }
    const actor = new InterviewerActor(q, this.#env)
    this.#actors.set(iv.id, actor)
    if (Number.isInteger(iv.id) && iv.id >= 0 && iv.id < DENSE_IDS) {
      // Grown with undefined (never holes), so the array stays a plain packed one.
      while (this.#dense.length <= iv.id) this.#dense.push(undefined)
      this.#dense[iv.id] = actor
    }
    for (const e of q.entries) this.#byAssignment.set(e.a.id, actor)
    this.#index.add(actor)
  }

  start(): void {
    const { bus, subjects: s, shardIndex: i } = this.#o
    this.#subs.push(
      bus.subscribe(s.score(i), (m) => this.#onScore(m)),
      bus.subscribe(s.commit(i), (m) => this.#onCommit(m)),
      bus.subscribe(s.ctl(i), (m) => this.#onCtl(m)),
      bus.subscribe(s.bidders, (m) => {
        const b = unpack<BidderMsg>(m.data)
        if (!this.owns(b.iv)) return
        if (b.on) this.#remote.add(b.iv)
        else this.#remote.delete(b.iv)
      }),
    )
  }

  stop(): void {
    for (const sub of this.#subs.splice(0)) sub.unsubscribe()
  }

  state(iv?: number): InterviewerState[] {
    if (iv !== undefined) {
      const a = this.#actors.get(iv)
      return a ? [this.#stateOf(a)] : []
    }
    const out: InterviewerState[] = []
    for (const a of this.#actors.values()) out.push(this.#stateOf(a))
    return out
  }

  #stateOf(a: InterviewerActor): InterviewerState {
    const q = a.queue
    const p = q.profile
    return {
      interviewer_id: p.id,
      name: p.name,
      type: p.type,
      languages: p.languages,
      specializations: p.specializations,
      cost: p.cost,
      rating: p.rating,
      availability: q.availability,
      concurrency: p.concurrency,
      capacity: p.capacity,
      current_queue: q.occupancy,
      active: q.active,
      waiting: q.waiting,
      node_id: this.#o.nodeId,
    }
  }

  #onScore(m: BusMsg): void {
    if (!m.reply) return
    const batch = this.#decoded<ScoreBatch>(m, decodeScoreBatch)
    if (!batch) return
    const reqs = batch.reqs
    const n = reqs.length
    const lists: Bid[][] = new Array<Bid[]>(n)
    const full: number[] = new Array<number>(n)
    const w = this.#o.weights.vector
    let remote: Promise<void>[] | null = null
    for (let i = 0; i < n; i++) {
      const r = reqs[i]
      const got = this.#index.scan(r, contextInto(this.#ctx, r.topics, r.budget, r.level, r.now), w)
      lists[i] = got.bids
      full[i] = got.full
      if (this.#remote.size > 0 && got.bids.some((b) => this.#remote.has(b.interviewer_id))) {
        const p = applyRemoteBids(got.bids, this.#remote, r, this.#o.requester, this.#o.subjects).catch((err: unknown) => this.#o.log.warn({ err }, 'remote bids failed; using local scores'))
        ;(remote ??= []).push(p)
      }
    }
    this.#index.endBatch()
    const reply = m.reply
    const bus = this.#o.bus
    const shard = this.#o.shardIndex
    const node = this.#o.nodeId
    // In-process the bids travel as they are; encoded they are flattened to numbers first.
    const send = (): void => sendValue<ScoreBatchReply>(bus, reply, { shard, node, full, lists }, encodeScoreBatchReply)
    if (remote === null) send()
    else void Promise.all(remote).then(send)
  }

  #onCommit(m: BusMsg): void {
    if (!m.reply) return
    const reply = m.reply
    const batch = this.#decoded<CommitBatch>(m, decodeCommitBatch)
    if (!batch) return
    const items = batch.items
    const out: Outgoing = { reply, idx: [], replies: [], queued: false }
    for (let i = 0; i < items.length; i++) this.#commitOne(items[i], this.#answerer(out, i))
  }

  /** The message as sent: by reference in-process, decoded on NATS; null (logged) when unreadable. */
  #decoded<T>(m: BusMsg, decode: (data: Uint8Array) => T): T | null {
    if (m.value !== undefined) return m.value as T
    try {
      return decode(m.data)
    } catch (err) {
      // The sender's gather gives up at its deadline: a missing answer, never a crashed host.
      this.#o.log.warn({ err, subject: m.subject }, 'unreadable shard message dropped')
      return null
    }
  }

  #commitOne(c: CommitReq, answer: (r: CommitReply) => void): void {
    const actor = c.iv >= 0 && c.iv < this.#dense.length ? this.#dense[c.iv] : this.#actors.get(c.iv)
    if (!actor) return answer({ ok: false, code: 'not_found', reason: 'interviewer not hosted here' })
    const now = seqIso()
    const a: Assignment = {
      id: nextId(),
      request_id: c.draft.request_id,
      decision_id: c.draft.decision_id,
      user_id: c.draft.user_id,
      interviewer_id: c.iv,
      score: c.score,
      state: this.#o.offerTimeoutMs > 0 && this.#remote.has(c.iv) ? 'offered' : 'accepted',
      created_at: now,
      updated_at: now,
    }
    if (!actor.tell({ type: 'commit', a, sla: c.sla, draft: c.draft, reply: answer })) answer({ ok: false, code: 'unavailable', reason: 'mailbox full' })
  }

  /** Answers item `i` of a commit batch: the batch's answers of one turn leave as one message. */
  #answerer(out: Outgoing, i: number): (r: CommitReply) => void {
    return (r) => {
      out.idx.push(i)
      out.replies.push(r)
      if (out.queued) return
      out.queued = true
      this.#outbox.push(out)
      if (this.#outbox.length === 1) queueMicrotask(this.#flushOutbox)
    }
  }

  #flushOutbox = (): void => {
    const bus = this.#o.bus
    const outs = this.#outbox
    this.#outbox = []
    for (const out of outs) {
      sendValue<CommitBatchReply>(bus, out.reply, { idx: out.idx, replies: out.replies }, encodeCommitBatchReply)
      // Later answers of the same batch start a new message.
      out.idx = []
      out.replies = []
      out.queued = false
    }
  }

  #onCtl(m: BusMsg): void {
    if (!m.reply) return
    const reply = m.reply
    const shard = this.#o.shardIndex
    const ok = (r: unknown): void => this.#o.bus.publish(reply, pack({ ok: true, shard, r } satisfies CtlReply))
    const fail = (code: string, msg: string): void => this.#o.bus.publish(reply, pack({ ok: false, shard, code, msg } satisfies CtlReply))
    const c = this.#decoded(m, (d) => unpack<CtlReq>(d))
    if (c === null || typeof c !== 'object') return fail('invalid', 'unreadable control request')
    const viaActor = (actor: InterviewerActor | undefined, id: string | null, to: AssignmentState, end?: InterviewEnd): void => {
      if (!actor) return fail('not_found', 'not hosted here')
      const done = (r: TransitionReply): void => (r.ok ? ok(r.res) : fail(r.code, r.reason))
      if (!actor.tell({ type: 'transition', id, to, end, reply: done })) fail('unavailable', 'mailbox full')
    }
    switch (c.op) {
      case 'complete':
        if (c.aid !== undefined) return viaActor(this.#byAssignment.get(c.aid), c.aid, 'completed', c.end ?? {})
        return viaActor(c.iv === undefined ? undefined : this.#actors.get(c.iv), null, 'completed', c.end ?? {})
      case 'cancel':
        return viaActor(this.#byAssignment.get(c.aid), c.aid, 'cancelled')
      case 'accept':
        return viaActor(this.#byAssignment.get(c.aid), c.aid, 'accepted')
      case 'reject':
        return viaActor(this.#byAssignment.get(c.aid), c.aid, 'cancelled')
      case 'availability': {
        const actor = this.#actors.get(c.iv)
        if (!actor) return fail('not_found', 'not hosted here')
        if (!actor.tell({ type: 'availability', av: c.av, reply: () => ok(this.#stateOf(actor)) })) fail('unavailable', 'mailbox full')
        return
      }
      case 'state':
        return ok(this.state(c.iv))
      case 'owner': {
        const actor = this.#byAssignment.get(c.aid)
        return actor ? ok(actor.id) : fail('not_found', 'not hosted here')
      }
      case 'reload':
        this.load().then(ok, (err: unknown) => fail('unavailable', String(err)))
        return
      case 'reset':
        this.#reset().then(ok, (err: unknown) => fail('unavailable', String(err)))
        return
      default:
        return fail('invalid', 'unknown control request')
    }
  }

  /** Cancels every open assignment of this shard durably, then empties the queues. */
  async #reset(): Promise<number> {
    const at = isoNow()
    const ids = [...this.#byAssignment.keys()]
    if (ids.length) await this.#o.committer.add({ transitions: ids.map((id) => ({ id, state: 'cancelled' as const, at })) })
    let n = 0
    for (const actor of this.#actors.values()) {
      n += actor.queue.clear()
      this.#index.update(actor)
    }
    this.#byAssignment.clear()
    this.#o.bus.publish(this.#o.subjects.freed, pack(ANY_FREED))
    return n
  }
}
