// The browser's link to /v1/ws: one socket per page speaking the same protocol as the SDK (JSON
// frames, `id`/`re` replies, pushes), reconnecting with backoff after a drop and telling the page,
// which then resubscribes and resynchronises (onOpen). A refusal code (4100-4199) is not retried.
import { mayReconnect, type ErrorBody, type ServerPush, type ServerReply } from '../protocol.ts'

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'refused'

export class ApiError extends Error {
  readonly code: string
  constructor(body: ErrorBody) {
    super(body.message)
    this.code = body.code
  }
}

export interface LiveHandlers {
  state(s: LinkState, detail: string): void
  push(m: ServerPush): void
  /** The socket (re)opened: subscribe and load state again. */
  open(): void
}

export class Live {
  readonly #token: string | null
  readonly #on: LiveHandlers
  #ws: WebSocket | null = null
  #next = 1
  #attempt = 0
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()

  constructor(token: string | null, on: LiveHandlers) {
    this.#token = token
    this.#on = on
  }

  connect(): void {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws'
    // Browsers cannot set an Authorization header on a WebSocket: the upgrade carries ?token=, the
    // one other credential the gateway reads. The page's own URL never carries it.
    const url = `${proto}://${location.host}/v1/ws${this.#token ? `?token=${encodeURIComponent(this.#token)}` : ''}`
    this.#on.state(this.#attempt === 0 ? 'connecting' : 'reconnecting', this.#attempt === 0 ? '' : `attempt ${this.#attempt}`)
    const ws = new WebSocket(url)
    this.#ws = ws
    ws.onopen = () => {
      this.#attempt = 0
      this.#on.state('live', '')
      this.#on.open()
    }
    ws.onmessage = (ev) => this.#receive(String(ev.data))
    ws.onclose = (ev) => {
      this.#ws = null
      for (const p of this.#pending.values()) p.reject(new ApiError({ code: 'unavailable', message: 'connection lost' }))
      this.#pending.clear()
      if (!mayReconnect(ev.code)) return this.#on.state('refused', ev.reason || `closed with ${ev.code}`)
      this.#attempt++
      this.#on.state('reconnecting', `attempt ${this.#attempt}`)
      setTimeout(() => this.connect(), Math.min(4000, 200 * 2 ** Math.min(this.#attempt, 5)))
    }
  }

  request<T>(msg: Record<string, unknown>): Promise<T> {
    const ws = this.#ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new ApiError({ code: 'unavailable', message: 'not connected' }))
    const id = this.#next++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      ws.send(JSON.stringify({ ...msg, id }))
    })
  }

  #receive(text: string): void {
    const msg = JSON.parse(text) as ServerReply | ServerPush
    if ('re' in msg) {
      const p = typeof msg.re === 'number' ? this.#pending.get(msg.re) : undefined
      if (!p) return
      this.#pending.delete(msg.re as number)
      return msg.ok ? p.resolve(msg.result) : p.reject(new ApiError(msg.error))
    }
    // A batched stream's window: the page sees the same one-event pushes as an unbatched one.
    if (msg.type === 'events') for (const event of msg.events) this.#on.push({ type: 'event', stream: msg.stream, event })
    else this.#on.push(msg)
  }
}
