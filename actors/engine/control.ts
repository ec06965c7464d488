// Control requests (complete, cancel, offers, availability, state) addressed to the shard hosts over
// the bus, and remote bidders' subscriptions: the engine's non-routing traffic, kept out of engine.ts.
import type { Bus, BusSubscription } from '../bus/types.ts'
import { EngineError, type RemoteBidder } from '../engine.ts'
import type { Requester } from '../runtime/requester.ts'
import type { Subjects } from '../bus/subjects.ts'
import { pack, unpack, type CtlReply, type CtlReq, type RemoteBidReq } from '../shard/wire.ts'

export class Control {
  #requester: Requester
  #s: Subjects
  #count: number
  #timeoutMs: number

  constructor(requester: Requester, s: Subjects, shardCount: number, timeoutMs: number) {
    this.#requester = requester
    this.#s = s
    this.#count = shardCount
    this.#timeoutMs = timeoutMs
  }

  /** The host of this interviewer. */
  shardOf(iv: number): number[] {
    return [iv % this.#count]
  }

  /** The first successful answer of the addressed hosts, else their most telling failure. */
  async one<T>(req: CtlReq, shards: number[] | 'all'): Promise<T> {
    const targets = shards === 'all' ? Array.from({ length: this.#count }, (_, i) => i) : shards
    const g = await this.#requester.gather(
      targets.map((i) => this.#s.ctl(i)),
      pack(req),
      this.#timeoutMs,
    )
    let failure: { code: string; msg: string } | null = null
    for (const data of g.replies) {
      const r = unpack<CtlReply>(data)
      if (r.ok) return r.r as T
      if (!failure || failure.code === 'not_found') failure = r
    }
    if (g.replies.length < targets.length && (!failure || failure.code === 'not_found')) throw new EngineError('unavailable', `no answer from ${targets.length - g.replies.length} shard host(s)`)
    const code = failure?.code ?? 'not_found'
    throw new EngineError(code === 'conflict' || code === 'unavailable' || code === 'invalid' ? code : 'not_found', failure?.msg ?? 'not found')
  }

  /** Gathers a control answer from every host and returns each successful one. */
  async all<T>(req: CtlReq): Promise<T[]> {
    const g = await this.#requester.gather(
      Array.from({ length: this.#count }, (_, i) => this.#s.ctl(i)),
      pack(req),
      this.#timeoutMs,
    )
    const out: T[] = []
    for (const data of g.replies) {
      const r = unpack<CtlReply>(data)
      if (r.ok) out.push(r.r as T)
    }
    return out
  }
}

/** Subscribes a remote bidder for one interviewer: it answers scoring asks on its bidder subject. */
export function subscribeBidder(bus: Bus, s: Subjects, interviewerId: number, bidder: RemoteBidder): BusSubscription {
  return bus.subscribe(s.bidder(interviewerId), (m) => {
    if (!m.reply) return
    const reply = m.reply
    const r = unpack<RemoteBidReq>(m.data)
    const answer = (score: number | null): void => bus.publish(reply, pack({ score }))
    bidder({ bid_id: r.bid_id, interviewer_id: r.iv, request: r.req, local_score: r.local, deadline_ms: r.ms }).then(
      (v) => answer(typeof v === 'number' && Number.isFinite(v) ? v : v === null ? null : r.local),
      () => answer(r.local),
    )
  })
}
