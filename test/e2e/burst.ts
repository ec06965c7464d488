// A crash-test burst: many WebSocket connections send routes (each with a request_id) and
// completions, recording exactly what each client was told, so a test can kill the server mid-burst
// and compare the restored queues with the acknowledgements.
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import type { RouteRequest, RouteResult } from '../../client/protocol.ts'

export interface Told {
  /** Assignments a client was told `assigned`, by id → interviewer. */
  assigned: Map<string, { interviewer_id: number; request_id: string }>
  /** Assignments a client was told are completed. */
  completed: Set<string>
  /** First outcome each acknowledged request_id got. */
  outcomes: Map<string, RouteResult>
  /** Routes sent and never answered (the server died first), with their request. */
  unanswered: Map<string, RouteRequest>
  replies: number
  /** Completions sent and never answered: each may or may not have committed. */
  lostCompletes: number
}

export const newTold = (): Told => ({ assigned: new Map(), completed: new Set(), outcomes: new Map(), unanswered: new Map(), replies: 0, lostCompletes: 0 })

const TOPICS = ['FinTech', 'Chargebacks', 'pricing', 'retention', 'payments']

export function routeRequest(i: number): RouteRequest {
  return {
    user_id: 1 + ((i * 7919) % 1000),
    topics: [TOPICS[i % TOPICS.length]],
    language: 'English',
    budget: 200,
    sensitivity: false,
    sla_min: 600,
    request_id: randomUUID(),
  }
}

interface Reply {
  re: string
  ok: boolean
  result?: Record<string, unknown>
  error?: { code: string }
}

/** One connection keeping `depth` requests in flight until stopped or the socket closes. */
async function runConnection(url: string, told: Told, depth: number, stop: { now: boolean }, seq: { n: number }): Promise<void> {
  const ws = await new Promise<WebSocket>((res, rej) => {
    const w = new WebSocket(url)
    w.once('open', () => res(w))
    w.once('error', rej)
  })
  const pending = new Map<string, { kind: 'route'; req: RouteRequest } | { kind: 'complete' }>()
  let closed = false
  await new Promise<void>((done) => {
    const sendNext = (): void => {
      if (closed || stop.now) {
        if (pending.size === 0) ws.close()
        return
      }
      const id = randomUUID()
      const req = routeRequest(seq.n++)
      pending.set(id, { kind: 'route', req })
      told.unanswered.set(req.request_id!, req)
      ws.send(JSON.stringify({ id, type: 'route', ...req }))
    }
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as Reply
      const p = pending.get(m.re)
      if (!p) return
      pending.delete(m.re)
      told.replies++
      if (p.kind === 'route') {
        const rid = p.req.request_id!
        told.unanswered.delete(rid)
        if (m.ok && m.result) {
          const r = m.result as unknown as RouteResult
          told.outcomes.set(rid, r)
          if (r.status === 'assigned' && r.assignment_id && r.interviewer_id !== undefined) {
            told.assigned.set(r.assignment_id, { interviewer_id: r.interviewer_id, request_id: rid })
            // Complete most assignments, so queues keep moving and completions race the kill too.
            if (!stop.now && Math.random() < 0.95) {
              const cid = randomUUID()
              pending.set(cid, { kind: 'complete' })
              ws.send(JSON.stringify({ id: cid, type: 'complete', interviewer_id: r.interviewer_id }))
            }
          } else if (!stop.now && r.status === 'at_capacity') {
            // Everyone eligible is full: finish someone's interview so the burst keeps booking.
            const cid = randomUUID()
            pending.set(cid, { kind: 'complete' })
            ws.send(JSON.stringify({ id: cid, type: 'complete', interviewer_id: 1 + (seq.n % 100) }))
          }
        }
        sendNext()
      } else if (m.ok && m.result && typeof m.result.assignment_id === 'string') told.completed.add(m.result.assignment_id)
      if (stop.now && pending.size === 0) ws.close()
    })
    ws.on('close', () => {
      closed = true
      for (const p of pending.values()) if (p.kind === 'complete') told.lostCompletes++
      done()
    })
    ws.on('error', () => {})
    for (let i = 0; i < depth; i++) sendNext()
  })
}

/** Drives `connections` sockets; resolves when all closed (stop() or the server died). */
export function burst(url: string, told: Told, connections: number, depth: number): { stop(): void; done: Promise<void> } {
  const stop = { now: false }
  const seq = { n: Math.floor(Math.random() * 1_000_000) }
  const done = Promise.all(Array.from({ length: connections }, () => runConnection(url, told, depth, stop, seq).catch(() => {}))).then(() => {})
  return {
    stop: () => {
      stop.now = true
    },
    done,
  }
}

/** Sends one route over a fresh socket and returns its reply; retries what the protocol says to retry. */
export async function routeOnce(url: string, req: RouteRequest): Promise<Reply> {
  for (let i = 0; ; i++) {
    const r = await routeOnceRaw(url, req)
    if (r.ok || i >= 5 || !['rate_limited', 'unavailable', 'timeout'].includes(r.error?.code ?? '')) return r
    await new Promise((res) => setTimeout(res, 100 * (i + 1)))
  }
}

async function routeOnceRaw(url: string, req: RouteRequest): Promise<Reply> {
  const ws = await new Promise<WebSocket>((res, rej) => {
    const w = new WebSocket(url)
    w.once('open', () => res(w))
    w.once('error', rej)
  })
  try {
    return await new Promise<Reply>((res) => {
      ws.on('message', (d: Buffer) => res(JSON.parse(d.toString()) as Reply))
      ws.send(JSON.stringify({ id: 'r', type: 'route', ...req }))
    })
  } finally {
    ws.close()
  }
}
