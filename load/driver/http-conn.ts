// A lean keep-alive HTTP/1.1 client connection with pipelining: hand-written requests and a minimal
// response parser, because node:http costs more CPU per request than the server under test.
import { connect, type Socket } from 'node:net'

export interface HttpResponse {
  status: number
  body: Buffer
}

const CRLFCRLF = Buffer.from('\r\n\r\n')

/** Parses as many complete responses as `buf` holds; returns them and the unconsumed rest. */
export function parseResponses(buf: Buffer): { responses: HttpResponse[]; rest: Buffer } {
  const responses: HttpResponse[] = []
  let at = 0
  for (;;) {
    const end = buf.indexOf(CRLFCRLF, at)
    if (end < 0) break
    const head = buf.toString('latin1', at, end)
    const status = Number(head.slice(9, 12))
    const lower = head.toLowerCase()
    const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower)
    const bodyStart = end + 4
    if (cl) {
      const len = Number(cl[1])
      if (buf.length < bodyStart + len) break
      responses.push({ status, body: buf.subarray(bodyStart, bodyStart + len) })
      at = bodyStart + len
    } else if (lower.includes('\r\ntransfer-encoding: chunked')) {
      const parts: Buffer[] = []
      let p = bodyStart
      let complete = false
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', p, 'latin1')
        if (lineEnd < 0) break
        const size = parseInt(buf.toString('latin1', p, lineEnd), 16)
        if (!Number.isFinite(size) || buf.length < lineEnd + 2 + size + 2) break
        if (size === 0) {
          p = lineEnd + 4
          complete = true
          break
        }
        parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size))
        p = lineEnd + 2 + size + 2
      }
      if (!complete) break
      responses.push({ status, body: Buffer.concat(parts) })
      at = p
    } else {
      responses.push({ status, body: Buffer.alloc(0) })
      at = bodyStart
    }
  }
  return { responses, rest: at === 0 ? buf : buf.subarray(at) }
}

export class HttpConn {
  #socket: Socket
  #host: string
  #auth: string
  #rest: Buffer = Buffer.alloc(0)
  #onResponse: (r: HttpResponse) => void
  #pending = 0
  #written = 0
  #window: number
  #backlog: string[] = []
  #backlogHead = 0
  #closed = false

  /**
   * `window`: requests written before their responses arrive (1 = no pipelining, like curl with
   * keep-alive). Requests beyond it wait here, in order, until a response frees the window.
   */
  constructor(host: string, port: number, token: string | undefined, window: number, onResponse: (r: HttpResponse) => void, onClose: (err?: Error) => void) {
    this.#window = Math.max(1, window)
    this.#host = `${host}:${port}`
    this.#auth = token ? `authorization: Bearer ${token}\r\n` : ''
    this.#onResponse = onResponse
    this.#socket = connect({ host, port, noDelay: true })
    this.#socket.on('data', (chunk: Buffer) => this.#data(chunk))
    this.#socket.on('error', (err) => {
      this.#closed = true
      onClose(err)
    })
    this.#socket.on('close', () => {
      this.#closed = true
      onClose()
    })
  }

  get inFlight(): number {
    return this.#pending
  }
  get closed(): boolean {
    return this.#closed
  }

  request(method: 'GET' | 'POST', path: string, body?: string): boolean {
    if (this.#closed) return false
    this.#pending++
    const len = body === undefined ? 0 : Buffer.byteLength(body)
    const raw = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}\r\n${this.#auth}content-type: application/json\r\ncontent-length: ${len}\r\n\r\n${body ?? ''}`
    // Never overtake the backlog: responses are matched to requests by order.
    if (this.#written < this.#window && this.#backlogHead === this.#backlog.length) {
      this.#written++
      this.#socket.write(raw)
    } else {
      this.#backlog.push(raw)
    }
    return true
  }

  #flush(): void {
    let out = ''
    while (this.#written < this.#window && this.#backlogHead < this.#backlog.length) {
      out += this.#backlog[this.#backlogHead++] as string
      this.#written++
    }
    if (this.#backlogHead === this.#backlog.length) {
      this.#backlog = []
      this.#backlogHead = 0
    }
    if (out) this.#socket.write(out)
  }

  close(): void {
    this.#closed = true
    this.#socket.destroy()
  }

  #data(chunk: Buffer): void {
    const buf = this.#rest.length === 0 ? chunk : Buffer.concat([this.#rest, chunk])
    const { responses, rest } = parseResponses(buf)
    // Copy a short tail so the big chunk it came from can be freed.
    this.#rest = rest.length === 0 ? Buffer.alloc(0) : Buffer.from(rest)
    for (const r of responses) {
      this.#pending--
      this.#written--
      this.#onResponse(r)
    }
    if (responses.length > 0) this.#flush()
  }
}
