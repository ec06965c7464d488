// The typed client: promise request/reply over one WebSocket with correlation ids, both encodings,
// reconnect with jittered backoff, resubscription, safe route retries by request_id, and token
// renewal (an `auth` message before exp; a fresh token from the provider on every reconnect).
import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { decodeFrame, encodeFrame, type Encoding } from '../codec.ts'
import { RouterError } from '../errors.ts'
import { CLOSE_CODE, mayReconnect } from '../protocol.ts'
import type {
  InterviewEnd,
  AssignmentEvent,
  AvailabilityEvent,
  AuthAck,
  BidAck,
  ClientMessage,
  DecisionEvent,
  ErrorCode,
  InterviewerState,
  RouteRequest,
  RouteResult,
  ServerPush,
  ServerReply,
  StateSnapshot,
  StatsEvent,
  Stream,
} from '../protocol.ts'
import type { Availability } from '../model.ts'
import { Backoff, type ReconnectOptions } from './backoff.ts'
import { renewDelayMs, tokenExpiry, Tokens, type TokenSource } from './token.ts'

export interface ConnectOptions {
  /**
   * A JWT, or a provider of fresh ones. With a provider the client renews its token on the live
   * connection (an `auth` message) before the current one's exp, and asks for a new token before
   * every reconnect, including after the server closed with CLOSE_CODE.token_expired.
   */
  token?: TokenSource
  encoding?: Encoding
  /** true (default) for default backoff, false to fail on the first disconnect. */
  reconnect?: boolean | ReconnectOptions
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number
  /** Retries of a route refused with rate_limited / unavailable / timeout; default 5. */
  routeRetries?: number
}

/** A request as the caller writes it: the client adds `id`. */
type Outgoing = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never

interface Pending {
  msg: Outgoing
  resolve(value: unknown): void
  reject(err: RouterError): void
  timer: ReturnType<typeof setTimeout>
  sent: boolean
  /** Safe to send again on a new connection (idempotent, or deduplicated by request_id). */
  retry: boolean
}

const RETRY_CODES = new Set<ErrorCode>(['rate_limited', 'unavailable', 'timeout'])
const RETRYABLE = new Set(['route', 'state', 'ping', 'subscribe', 'unsubscribe', 'availability'])
const CLOSE_TO_CODE: Record<number, ErrorCode> = {
  [CLOSE_CODE.unauthorized]: 'unauthorized',
  [CLOSE_CODE.forbidden]: 'forbidden',
  [CLOSE_CODE.protocol_error]: 'invalid',
  [CLOSE_CODE.rate_limited]: 'rate_limited',
  [CLOSE_CODE.token_expired]: 'unauthorized',
}

export interface RouterClientEvents {
  open: []
  reconnecting: [attempt: number, delayMs: number]
  close: [code: number, reason: string]
  push: [push: ServerPush]
  event: [stream: Stream, event: DecisionEvent | AssignmentEvent | AvailabilityEvent | StatsEvent]
  offer: [offer: Extract<ServerPush, { type: 'offer' }>]
  bid_request: [req: Extract<ServerPush, { type: 'bid_request' }>]
  dropped: [count: number]
  error: [err: RouterError]
}

export class RouterClient extends EventEmitter<RouterClientEvents> {
  readonly #url: string
  readonly #tokens: Tokens
  readonly #encoding: Encoding
  readonly #timeoutMs: number
  readonly #routeRetries: number
  readonly #backoff: Backoff | null
  readonly #pending = new Map<number, Pending>()
  /** Replayed after each reconnect: subscriptions and availability (with remote bidding). */
  readonly #sticky = new Map<string, Outgoing>()
  #ws: WebSocket | null = null
  /** Renews the token before its exp (only with a token provider). */
  #renewal: ReturnType<typeof setTimeout> | null = null
  #seq = 0
  #closed = false
  #open = false

  private constructor(url: string, opts: ConnectOptions) {
    super()
    this.#url = url
    this.#tokens = new Tokens(opts.token)
    this.#encoding = opts.encoding ?? 'json'
    this.#timeoutMs = opts.timeoutMs ?? 10_000
    this.#routeRetries = opts.routeRetries ?? 5
    const r = opts.reconnect ?? true
    this.#backoff = r === false ? null : new Backoff(r === true ? {} : r)
  }

  /** Connects; resolves once the first connection is open, rejects with a RouterError if it fails. */
  static connect(url: string, opts: ConnectOptions = {}): Promise<RouterClient> {
    const client = new RouterClient(url, opts)
    return client.#dial(true).then(() => client)
  }

  get connected(): boolean {
    return this.#open
  }

  #dial(first: boolean): Promise<void> {
    return this.#tokens.get().then(
      (token) => this.#openSocket(token, first),
      (err: unknown) => {
        const e = new RouterError('unauthorized', `token provider failed: ${(err as Error)?.message ?? String(err)}`, { cause: err })
        if (first) {
          this.#closed = true
          throw e
        }
        // A provider that fails on a reconnect is tried again on the next attempt, after backoff.
        this.#lost(CLOSE_CODE.going_away, e.message)
      },
    )
  }

  #openSocket(token: string, first: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers = token ? { authorization: `Bearer ${token}` } : undefined
      const ws = new WebSocket(this.#url, { headers, maxPayload: 64 * 1024 * 1024 })
      ws.binaryType = 'nodebuffer'
      this.#ws = ws
      let settled = false
      let refusal: RouterError | null = null
      ws.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
        })
        res.on('end', () => {
          const code: ErrorCode = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 ? 'rate_limited' : 'unavailable'
          refusal = new RouterError(code, `WebSocket upgrade refused (HTTP ${status}): ${body.slice(0, 200)}`)
          ws.terminate()
        })
      })
      ws.on('open', () => {
        settled = true
        this.#open = true
        this.#backoff?.reset()
        if (!first) for (const msg of this.#sticky.values()) this.#request(msg, false).catch((err: RouterError) => this.#error(err))
        for (const [id, p] of this.#pending) if (!p.sent) this.#write(id, p)
        this.#scheduleRenewal(token)
        this.emit('open')
        resolve()
      })
      ws.on('message', (data: Buffer, isBinary: boolean) => this.#receive(data, isBinary))
      ws.on('error', () => {
        /* always followed by 'close', which decides */
      })
      ws.on('close', (code, reason) => {
        if (this.#ws !== ws) return
        this.#open = false
        this.#cancelRenewal()
        const refused = refusal as RouterError | null
        if (first && !settled) {
          settled = true
          this.#ws = null
          this.#closed = true
          return reject(refused ?? new RouterError('unavailable', `cannot connect to ${this.#url} (${code})`))
        }
        const fatalRefusal = refused && (refused.code === 'unauthorized' || refused.code === 'forbidden')
        this.#lost(fatalRefusal ? CLOSE_CODE.unauthorized : code, refused ? refused.message : reason.toString())
      })
    })
  }

  #lost(code: number, reason: string): void {
    if (this.#ws === null && this.#closed) return
    this.emit('close', code, reason)
    const fatal = this.#closed || !this.#backoff || !mayReconnect(code) || this.#backoff.exhausted
    for (const [id, p] of this.#pending) {
      if (!fatal && p.retry) p.sent = false
      else this.#settle(id, p, new RouterError(CLOSE_TO_CODE[code] ?? 'unavailable', `connection closed (${code} ${reason}) before a reply`))
    }
    if (fatal) {
      this.#ws = null
      this.#closed = true
      return
    }
    const delay = this.#backoff!.next()
    this.emit('reconnecting', this.#backoff!.attempt, delay)
    setTimeout(() => {
      if (!this.#closed)
        this.#dial(false).catch(() => {
          /* #lost handles the next attempt */
        })
    }, delay)
  }

  /** 'error' events only when someone listens: an EventEmitter throws an unheard 'error'. */
  #error(err: RouterError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err)
  }

  #settle(id: number, p: Pending, err: RouterError | null, value?: unknown): void {
    clearTimeout(p.timer)
    this.#pending.delete(id)
    if (err) p.reject(err)
    else p.resolve(value)
  }

  #receive(data: Buffer, isBinary: boolean): void {
    let msg: ServerReply | ServerPush
    try {
      msg = decodeFrame(data, isBinary) as ServerReply | ServerPush
    } catch (err) {
      this.#error(new RouterError('invalid', 'undecodable frame from server', { cause: err }))
      return
    }
    if ('re' in msg) {
      const id = typeof msg.re === 'number' ? msg.re : Number(msg.re)
      const p = this.#pending.get(id)
      if (!p) {
        if (!msg.ok) this.#error(RouterError.from(msg.error))
        return
      }
      return msg.ok ? this.#settle(id, p, null, msg.result) : this.#settle(id, p, RouterError.from(msg.error))
    }
    this.emit('push', msg)
    if (msg.type === 'event') this.emit('event', msg.stream, msg.event)
    else if (msg.type === 'events') for (const e of msg.events) this.emit('event', msg.stream, e)
    else if (msg.type === 'offer') this.emit('offer', msg)
    else if (msg.type === 'bid_request') this.emit('bid_request', msg)
    else if (msg.type === 'dropped') this.emit('dropped', msg.count)
  }

  #write(id: number, p: Pending): void {
    if (!this.#open || !this.#ws) return
    p.sent = true
    this.#ws.send(encodeFrame({ ...p.msg, id }, this.#encoding))
  }

  #request<T>(msg: Outgoing, retry: boolean): Promise<T> {
    if (this.#closed) return Promise.reject(new RouterError('unavailable', 'client is closed'))
    const id = ++this.#seq
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new RouterError('timeout', `no reply to ${msg.type} within ${this.#timeoutMs} ms`))
      }, this.#timeoutMs)
      const p: Pending = { msg, resolve: resolve as (v: unknown) => void, reject, timer, sent: false, retry }
      this.#pending.set(id, p)
      this.#write(id, p)
    })
  }

  /** Sends any request; replies resolve, error replies reject with RouterError. */
  request<T = unknown>(msg: Outgoing): Promise<T> {
    return this.#request<T>(msg, RETRYABLE.has(msg.type))
  }

  /**
   * Routes a user. A request_id is generated when absent, so a retry never books twice: after a
   * reconnect, and on `rate_limited` / `unavailable` / `timeout` (waiting retry_after_ms when given).
   */
  async route(req: RouteRequest): Promise<RouteResult> {
    const msg: Outgoing = { type: 'route', ...req, request_id: req.request_id ?? randomUUID() }
    const backoff = new Backoff({ initialMs: 50, maxMs: 2000 })
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#request<RouteResult>(msg, true)
      } catch (err) {
        if (!(err instanceof RouterError) || !RETRY_CODES.has(err.code) || attempt >= this.#routeRetries || this.#closed) throw err
        await new Promise((r) => setTimeout(r, err.retry_after_ms ?? backoff.next()))
      }
    }
  }

  state(): Promise<StateSnapshot>
  state(interviewerId: number): Promise<InterviewerState>
  state(interviewerId?: number): Promise<StateSnapshot | InterviewerState> {
    return this.request(interviewerId === undefined ? { type: 'state' } : { type: 'state', interviewer_id: interviewerId })
  }

  cancel(assignmentId: string): Promise<unknown> {
    return this.request({ type: 'cancel', assignment_id: assignmentId })
  }

  /** Ends an interview; `end` says how (outcome `completed` by default, optional rating and duration). */
  complete(by: { assignment_id: string } | { interviewer_id: number }, end: InterviewEnd = {}): Promise<unknown> {
    return this.request({ type: 'complete', ...by, ...end })
  }

  /**
   * Subscribes to an operator stream; renewed automatically after a reconnect. With `batchMs` > 0
   * the server sends the stream's events in one frame per window (the `event` emits stay one per event).
   */
  subscribe(stream: Stream, interviewerId?: number, batchMs?: number): Promise<unknown> {
    const msg: Extract<Outgoing, { type: 'subscribe' }> = { type: 'subscribe', stream }
    if (interviewerId !== undefined) msg.interviewer_id = interviewerId
    if (batchMs !== undefined) msg.batch_ms = batchMs
    this.#sticky.set(`sub:${stream}:${interviewerId ?? '*'}`, msg)
    return this.request(msg)
  }

  unsubscribe(stream: Stream, interviewerId?: number): Promise<unknown> {
    this.#sticky.delete(`sub:${stream}:${interviewerId ?? '*'}`)
    return this.request(interviewerId === undefined ? { type: 'unsubscribe', stream } : { type: 'unsubscribe', stream, interviewer_id: interviewerId })
  }

  /** Sets an interviewer's availability (and remote bidding); renewed after a reconnect. */
  availability(interviewerId: number, availability: Availability, opts: { remote_bidding?: boolean } = {}): Promise<InterviewerState & { remote_bidding: boolean }> {
    const msg: Outgoing = { type: 'availability', interviewer_id: interviewerId, availability, ...opts }
    this.#sticky.set(`av:${interviewerId}`, msg)
    return this.request(msg)
  }

  accept(assignmentId: string): Promise<unknown> {
    return this.request({ type: 'accept', assignment_id: assignmentId })
  }

  reject(assignmentId: string): Promise<RouteResult> {
    return this.request({ type: 'reject', assignment_id: assignmentId })
  }

  bid(bidId: string, score: number | null): Promise<BidAck> {
    return this.request({ type: 'bid', bid_id: bidId, score })
  }

  ping(): Promise<{ pong: true; at: string }> {
    return this.request({ type: 'ping' })
  }

  /**
   * Replaces the connection's token (same subject and role) before it expires; with a fixed token
   * the new one is also used for later reconnects. A provider's tokens are renewed automatically.
   */
  async auth(token: string): Promise<AuthAck> {
    const ack = await this.#request<AuthAck>({ type: 'auth', token }, false)
    this.#tokens.renewed(token)
    this.#scheduleRenewal(token)
    return ack
  }

  #scheduleRenewal(token: string): void {
    this.#cancelRenewal()
    const exp = tokenExpiry(token)
    if (!this.#tokens.renewable || exp === null || this.#closed) return
    this.#renewal = setTimeout(
      () => {
        this.#renewal = null
        this.#tokens
          .get()
          .then((next) => (this.#open && !this.#closed ? this.auth(next) : null))
          // A failed renewal is reported; the server then closes at exp and the reconnect asks the provider again.
          .catch((err: unknown) => this.#error(err instanceof RouterError ? err : new RouterError('unauthorized', `token renewal failed: ${String(err)}`, { cause: err })))
      },
      renewDelayMs(exp, Date.now()),
    )
    this.#renewal.unref?.()
  }

  #cancelRenewal(): void {
    if (this.#renewal) clearTimeout(this.#renewal)
    this.#renewal = null
  }

  /** Closes for good: pending requests reject with `unavailable`. */
  close(): void {
    this.#closed = true
    this.#cancelRenewal()
    const ws = this.#ws
    for (const [id, p] of this.#pending) this.#settle(id, p, new RouterError('unavailable', 'client closed'))
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'client closed')
  }
}

/** Connects to `/v1/ws` (e.g. ws://127.0.0.1:8000/v1/ws). */
export function connect(url: string, opts: ConnectOptions = {}): Promise<RouterClient> {
  return RouterClient.connect(url, opts)
}
