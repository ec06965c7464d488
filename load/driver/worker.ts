// Driver worker thread: opens its share of connections, sends route requests at its share of the
// arrival rate (or closed loop), records latency in an HDR histogram and reports once a second.
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import * as hdr from 'hdr-histogram-js'
import type { RouteRequest } from '../../client/protocol.ts'
import {
  buildRouteRequest,
  classify,
  type ParsedReply,
  DEFAULT_MIX,
  makeRng,
  requestId,
  wsAccept,
  wsAvailability,
  wsCompleteOldest,
  wsRoute,
  wsSubscribeAssignments,
  wsUrl,
  httpCompleteBody,
  httpRouteBody,
} from '../k6/lib/builders.ts'
import { HttpConn, type HttpResponse } from './http-conn.ts'
import { newHistogram } from './stats.ts'
import type { Ack, WorkerResult, WorkerTask, WorkerTick } from './types.ts'
import { WsConn } from './ws-conn.ts'

const CONNECT_TIMEOUT_MS = 10_000
const DRAIN_MS = 5_000
const COMPLETE_ATTEMPTS = 8

/** An outstanding request: a route (req set) or a side message such as a complete (side set). */
interface Pending {
  t0: number
  req: RouteRequest | null
  side?: string
  retry?: () => void
}

/** A side message awaiting its reply; `retry` runs when it fails (bounded attempts). */
interface Side {
  kind: string
  retry?: () => void
}

type Conn = { kind: 'ws'; c: WsConn } | { kind: 'http'; c: HttpConn; fifo: Pending[]; head: number }

const bump = (m: Record<string, number>, k: string, n = 1): void => {
  m[k] = (m[k] ?? 0) + n
}

class LoadWorker {
  #t: WorkerTask
  #rng
  #conns: Conn[] = []
  #consoles: WsConn[] = []
  #pending = new Map<number, Pending>()
  #side = new Map<number, Side>()
  #seq = 0
  #rr = 0
  #sent = 0
  #done = 0
  #outcomes: Record<string, number> = {}
  #errors: Record<string, number> = {}
  #sideOut: Record<string, number> = {}
  #byInterviewer: Record<string, number> = {}
  #acks: Ack[] = []
  #assigned = 0
  #total = newHistogram()
  #interval = newHistogram()
  #start = 0
  #end = 0
  #sending = false
  #timers = new Set<NodeJS.Timeout>()

  constructor(task: WorkerTask) {
    this.#t = task
    this.#rng = makeRng(task.seed * 65_537 + task.index)
  }

  async run(): Promise<WorkerResult> {
    await this.#connect()
    this.#start = performance.now()
    this.#end = this.#start + this.#t.duration_ms
    this.#sending = true
    parentPort?.postMessage({ kind: 'started', index: this.#t.index })
    const ticker = setInterval(() => this.#tick(), 1000)
    if (this.#t.rate === null) {
      for (const conn of this.#conns) for (let i = 0; i < this.#t.pipeline; i++) this.#sendRoute(conn, performance.now())
      await sleep(this.#t.duration_ms)
    } else {
      await this.#openLoop(this.#t.rate)
    }
    this.#sending = false
    parentPort?.postMessage({ kind: 'stopped', index: this.#t.index })
    const sendEnd = performance.now()
    const drainUntil = sendEnd + DRAIN_MS
    while (this.#outstanding() > 0 && performance.now() < drainUntil) await sleep(20)
    clearInterval(ticker)
    this.#tick()
    if (this.#outstanding() > 0) bump(this.#errors, 'unanswered', this.#outstanding())
    for (const t of this.#timers) clearTimeout(t)
    for (const conn of this.#conns) conn.c.close()
    for (const c of this.#consoles) c.close()
    return {
      kind: 'result',
      index: this.#t.index,
      sent: this.#sent,
      done: this.#done,
      outcomes: this.#outcomes,
      errors: this.#errors,
      side: this.#sideOut,
      histogram: hdr.encodeIntoCompressedBase64(this.#total),
      acks: this.#acks,
      assignments_by_interviewer: this.#byInterviewer,
      elapsed_ms: sendEnd - this.#start,
    }
  }

  async #connect(): Promise<void> {
    const url = new URL(this.#t.url)
    const http = this.#t.scenario === 'http-burst'
    const opened: Promise<void>[] = []
    for (let i = 0; i < this.#t.conns; i++) {
      if (http) {
        const conn: Conn = { kind: 'http', c: null as unknown as HttpConn, fifo: [], head: 0 }
        conn.c = new HttpConn(
          url.hostname,
          Number(url.port || 80),
          this.#t.token,
          this.#t.http_window,
          (r) => this.#onHttp(conn, r),
          (err) => {
            if (err) bump(this.#errors, `connect:${errCode(err)}`)
          },
        )
        this.#conns.push(conn)
      } else {
        opened.push(
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, CONNECT_TIMEOUT_MS)
            const done = (): void => {
              clearTimeout(timer)
              resolve()
            }
            const c: WsConn = new WsConn(
              wsUrl(this.#t.url, this.#t.token),
              this.#t.encoding,
              (m) => this.#onWs(c, m),
              done,
              (err, code) => {
                if (err) bump(this.#errors, `connect:${errCode(err)}`)
                else if (code !== undefined) bump(this.#errors, `closed_by_server:${code}`)
                done()
              },
            )
            this.#conns.push({ kind: 'ws', c })
          }),
        )
      }
    }
    for (const id of this.#t.consoles) opened.push(this.#console(id))
    await Promise.all(opened)
  }

  /** A virtual interviewer console: goes online, subscribes to its assignments, accepts offers. */
  #console(interviewer_id: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECT_TIMEOUT_MS)
      const c: WsConn = new WsConn(
        wsUrl(this.#t.url, this.#t.token),
        this.#t.encoding,
        (m) => {
          const parsed = classify(m)
          if (parsed === null) return
          if ('reply' in parsed) {
            const side = typeof parsed.reply.re === 'number' ? this.#side.get(parsed.reply.re) : undefined
            if (side !== undefined && typeof parsed.reply.re === 'number') this.#side.delete(parsed.reply.re)
            bump(this.#sideOut, `${side?.kind ?? 'console'}:${parsed.reply.ok ? 'ok' : (parsed.reply.error_code ?? 'error')}`)
            return
          }
          const p = parsed.push
          if (p.assignment_id !== undefined && this.#sending && (p.type === 'offer' || p.state === 'offered')) this.#sideSend(c, 'accept', (id) => wsAccept(id, p.assignment_id as string))
        },
        () => {
          clearTimeout(timer)
          this.#sideSend(c, 'availability', (id) => wsAvailability(id, interviewer_id, 'online'))
          this.#sideSend(c, 'subscribe', (id) => wsSubscribeAssignments(id, interviewer_id))
          resolve()
        },
        (err) => {
          if (err) bump(this.#errors, `console:${errCode(err)}`)
          resolve()
        },
      )
      this.#consoles.push(c)
    })
  }

  #sideSend(c: WsConn, kind: string, build: (id: number) => unknown, retry?: () => void): void {
    const id = ++this.#seq
    if (c.send(build(id))) this.#side.set(id, { kind, retry })
  }

  /**
   * Completes the interviewer's oldest active interview after the service time. It can fail while
   * that interview is still being persisted (or none is active yet); then it is retried, a bounded
   * number of times, so queues keep draining.
   */
  #completeLater(conn: Conn, interviewer_id: number, attempt = 1): void {
    const retry = attempt < COMPLETE_ATTEMPTS ? () => this.#completeLater(conn, interviewer_id, attempt + 1) : () => bump(this.#sideOut, 'complete:gave_up')
    // Back off while the interview is still being persisted: service time, then doubling up to 1 s.
    const delay = Math.min(1000, this.#t.service_ms * 2 ** (attempt - 1))
    this.#later(delay, () => {
      if (conn.kind === 'ws') this.#sideSend(conn.c, 'complete', (id) => wsCompleteOldest(id, interviewer_id), retry)
      else if (conn.c.request('POST', '/v1/complete', httpCompleteBody({ interviewer_id }))) conn.fifo.push({ t0: 0, req: null, side: 'complete', retry })
    })
  }

  async #openLoop(rate: number): Promise<void> {
    const total = Math.floor((rate * this.#t.duration_ms) / 1000)
    const gap = 1000 / rate
    let issued = 0
    // A 1 ms scheduler (the timer resolution): arrivals due since the last wake-up go out with their
    // intended send time, so a stalled server is charged the wait (no coordinated omission). The
    // scheduler's own lateness (up to a wake-up period) is charged too: the echo server measured at
    // the same rate shows that floor.
    while (issued < total) {
      const now = performance.now()
      const due = Math.min(total, Math.floor((now - this.#start) / gap) + 1)
      for (; issued < due; issued++) {
        const conn = this.#pickConn()
        if (conn === null) bump(this.#errors, 'shed:in_flight_limit')
        else this.#sendRoute(conn, this.#start + issued * gap)
      }
      if (now >= this.#end) break
      await sleep(1)
    }
  }

  /** Routes sent and not yet answered (WS replies by id, HTTP responses in order). */
  #outstanding(): number {
    let n = this.#pending.size
    for (const conn of this.#conns) if (conn.kind === 'http') n += conn.fifo.length - conn.head
    return n
  }

  #pickConn(): Conn | null {
    const n = this.#conns.length
    for (let tries = 0; tries < n; tries++) {
      const conn = this.#conns[this.#rr++ % n] as Conn
      if (!conn.c.closed && conn.c.inFlight < this.#t.max_in_flight && (conn.kind === 'http' || conn.c.ready)) return conn
    }
    return null
  }

  #sendRoute(conn: Conn, t0: number): void {
    const seq = ++this.#seq
    const req = buildRouteRequest(this.#rng, requestId(this.#t.run_id, this.#t.index, seq), { ...DEFAULT_MIX, users: this.#t.users })
    const p: Pending = { t0, req }
    if (conn.kind === 'ws') {
      if (!conn.c.send(wsRoute(seq, req))) {
        bump(this.#errors, 'send:closed')
        return
      }
      conn.c.inFlight++
      this.#pending.set(seq, p)
    } else {
      if (!conn.c.request('POST', '/v1/route', httpRouteBody(req))) {
        bump(this.#errors, 'send:closed')
        return
      }
      conn.fifo.push(p)
    }
    this.#sent++
  }

  #onWs(c: WsConn, msg: unknown): void {
    const parsed = classify(msg)
    if (parsed === null) return
    const r = 'reply' in parsed ? parsed.reply : echoReply(msg)
    if (r === null || typeof r.re !== 'number') return
    const re = r.re
    const side = this.#side.get(re)
    if (side !== undefined) {
      this.#side.delete(re)
      bump(this.#sideOut, `${side.kind}:${r.ok ? 'ok' : (r.error_code ?? 'error')}`)
      if (!r.ok && this.#sending) side.retry?.()
      return
    }
    const p = this.#pending.get(re)
    if (p === undefined) return
    this.#pending.delete(re)
    c.inFlight--
    const outcome = r.ok ? (r.status ?? 'ok') : `error:${r.error_code ?? 'unknown'}`
    this.#finish(p, outcome, r.interviewer_id, r.assignment_id)
    // Complete "the interviewer's oldest active interview" rather than this assignment: only
    // active work can complete, and this one may still be waiting behind others.
    if (outcome === 'assigned' && r.interviewer_id !== undefined && this.#completes()) this.#completeLater({ kind: 'ws', c }, r.interviewer_id)
    if (this.#t.rate === null && this.#sending && performance.now() < this.#end) this.#sendRoute({ kind: 'ws', c }, performance.now())
  }

  #onHttp(conn: Conn & { kind: 'http' }, res: HttpResponse): void {
    const p = conn.fifo[conn.head++]
    if (conn.head > 1024 && conn.head * 2 > conn.fifo.length) {
      conn.fifo = conn.fifo.slice(conn.head)
      conn.head = 0
    }
    if (p === undefined) return
    if (p.side !== undefined) {
      bump(this.#sideOut, `${p.side}:${res.status === 200 ? 'ok' : `http_${res.status}`}`)
      if (res.status !== 200 && this.#sending) p.retry?.()
      return
    }
    let outcome = `http:${res.status}`
    let interviewer_id: number | undefined
    let assignment_id: string | undefined
    try {
      const body: unknown = JSON.parse(res.body.toString('utf8'))
      if (typeof body === 'object' && body !== null) {
        const b = body as Record<string, unknown>
        if (res.status === 200 && typeof b.status === 'string') outcome = b.status
        else if (typeof b.code === 'string') outcome = `error:${b.code}`
        else if (typeof b.error === 'object' && b.error !== null && typeof (b.error as Record<string, unknown>).code === 'string')
          outcome = `error:${String((b.error as Record<string, unknown>).code)}`
        if (typeof b.interviewer_id === 'number') interviewer_id = b.interviewer_id
        if (typeof b.assignment_id === 'string') assignment_id = b.assignment_id
      }
    } catch {
      // Non-JSON body: the outcome stays `http:<status>`.
    }
    this.#finish(p, outcome, interviewer_id, assignment_id)
    if (outcome === 'assigned' && interviewer_id !== undefined && this.#completes()) this.#completeLater(conn, interviewer_id)
    if (this.#t.rate === null && this.#sending && performance.now() < this.#end) this.#sendRoute(conn, performance.now())
  }

  /** Runs fn after ms; pending timers are cleared at the end of the run. */
  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, ms)
    this.#timers.add(timer)
  }

  #completes(): boolean {
    return this.#t.complete && this.#sending
  }

  #finish(p: Pending, outcome: string, interviewer_id: number | undefined, assignment_id: string | undefined): void {
    const us = Math.max(1, Math.round((performance.now() - p.t0) * 1000))
    this.#total.recordValue(us)
    this.#interval.recordValue(us)
    this.#done++
    bump(this.#outcomes, outcome)
    if (outcome !== 'assigned' || interviewer_id === undefined || p.req === null) return
    bump(this.#byInterviewer, String(interviewer_id))
    // Reservoir sample, so the replay check covers the whole run, not just its start.
    const ack: Ack = { request: p.req, interviewer_id, assignment_id }
    this.#assigned++
    if (this.#acks.length < this.#t.sample) this.#acks.push(ack)
    else {
      const j = Math.floor(this.#rng() * this.#assigned)
      if (j < this.#t.sample) this.#acks[j] = ack
    }
  }

  #tick(): void {
    const tick: WorkerTick = { kind: 'tick', index: this.#t.index, sent: this.#sent, done: this.#done, interval: hdr.encodeIntoCompressedBase64(this.#interval) }
    this.#interval.reset()
    parentPort?.postMessage(tick)
  }
}

/** The raw echo baseline sends our request back unchanged: count it as an answered route. */
function echoReply(msg: unknown): ParsedReply | null {
  if (typeof msg !== 'object' || msg === null) return null
  const m = msg as { id?: unknown; type?: unknown }
  return m.type === 'route' && typeof m.id === 'number' ? { re: m.id, ok: true, status: 'echo' } : null
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const errCode = (err: Error): string => (err as NodeJS.ErrnoException).code ?? 'error'

const task = (workerData as { task: WorkerTask }).task
const result = await new LoadWorker(task).run()
parentPort?.postMessage(result)
