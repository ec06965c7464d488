// A tiny stand-in server for the driver's own tests ONLY (never a benchmark result): the route,
// state and WS surface the driver touches, with round-robin assignment and idempotent request_ids.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { decodeFrame, encodeFrame } from '../../client/codec.ts'

export interface StubOptions {
  interviewers: number
  capacity: number /** Misbehave: ignore capacity (tests the checker). */
  overbook?: boolean /** Misbehave: forget request_ids. */
  forget?: boolean
}

export interface Stub {
  url: string
  close(): Promise<void>
  routes(): number
}

export async function startStub(o: StubOptions): Promise<Stub> {
  const queue = new Array<number>(o.interviewers + 1).fill(0)
  const seen = new Map<string, Record<string, unknown>>()
  let rr = 0
  let seq = 0
  let routes = 0

  const route = (req: Record<string, unknown>): Record<string, unknown> => {
    routes++
    const rid = typeof req.request_id === 'string' ? req.request_id : undefined
    const first = rid !== undefined && !o.forget ? seen.get(rid) : undefined
    if (first) return { ...first, replayed: true }
    let result: Record<string, unknown> = { status: 'at_capacity', user_id: req.user_id }
    for (let k = 0; k < o.interviewers; k++) {
      const id = 1 + (rr++ % o.interviewers)
      if (queue[id]! < o.capacity || o.overbook) {
        queue[id]!++
        const assignment_id = `a${++seq}`
        result = { status: 'assigned', user_id: req.user_id, interviewer_id: id, assignment_id, current_queue: queue[id], score: 1 }
        break
      }
    }
    if (rid !== undefined) seen.set(rid, result)
    return result
  }
  /** Completes the interviewer's oldest assignment (the stub does not track order: any one). */
  const complete = (interviewer_id: unknown): boolean => {
    if (typeof interviewer_id !== 'number' || !(queue[interviewer_id]! > 0)) return false
    queue[interviewer_id]!--
    return true
  }
  const state = () => ({
    interviewers: queue.slice(1).map((current_queue, i) => ({ interviewer_id: i + 1, capacity: o.capacity, current_queue, availability: 'online' })),
  })

  // Busy counters as the real server's /metrics has them: event loop 90% and database thread 50% of
  // the wall time since start, so a test can check what the driver makes of them.
  const born = performance.now()
  const metrics = (): string => {
    const s = (performance.now() - born) / 1000
    return `router_event_loop_busy_seconds_total ${(0.9 * s).toFixed(3)}\nrouter_store_thread_busy_seconds_total ${(0.5 * s).toFixed(3)}\n`
  }

  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(metrics())
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : null
      const b = body as Record<string, unknown>
      const out =
        req.url === '/v1/route' && req.method === 'POST'
          ? route(b)
          : req.url === '/v1/complete' && req.method === 'POST'
            ? complete(b.interviewer_id)
              ? { status: 'completed' }
              : null
            : req.url === '/v1/state'
              ? state()
              : null
      res.writeHead(out === null ? 404 : 200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(out ?? { code: 'not_found', message: 'no such route' }))
    })
  })
  const wss = new WebSocketServer({ server, path: '/v1/ws' })
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer, binary: boolean) => {
      const m = decodeFrame(data, binary) as Record<string, unknown>
      const result = m.type === 'route' ? route(m) : m.type === 'complete' ? (complete(m.interviewer_id) ? {} : null) : {}
      const reply = result === null ? { re: m.id, ok: false, error: { code: 'not_found', message: 'no such assignment' } } : { re: m.id, ok: true, result }
      ws.send(encodeFrame(reply, binary ? 'msgpack' : 'json'), { binary })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    routes: () => routes,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close()
        server.close(() => r())
      }),
  }
}
