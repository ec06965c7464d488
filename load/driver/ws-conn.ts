// One driver WebSocket connection: encodes requests (MessagePack binary or JSON text frames) and
// hands decoded server messages back; per-message work is kept to a minimum.
import WebSocket from 'ws'
import { decodeFrame, encodeFrame, type Encoding } from '../../client/codec.ts'

export class WsConn {
  #ws: WebSocket
  #encoding: Encoding
  #open = false
  #closed = false
  inFlight = 0

  /** onClose gets the error, or the close code the server sent (e.g. 4001 backpressure). */
  constructor(url: string, encoding: Encoding, onMessage: (msg: unknown) => void, onOpen: () => void, onClose: (err?: Error, code?: number) => void) {
    this.#encoding = encoding
    this.#ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 })
    this.#ws.binaryType = 'nodebuffer'
    this.#ws.on('open', () => {
      this.#open = true
      onOpen()
    })
    this.#ws.on('message', (data: Buffer, isBinary: boolean) => {
      let msg: unknown
      try {
        msg = decodeFrame(data, isBinary)
      } catch {
        msg = null
      }
      onMessage(msg)
    })
    this.#ws.on('error', (err) => {
      this.#closed = true
      onClose(err)
    })
    this.#ws.on('close', (code: number) => {
      const byUs = this.#closed
      this.#closed = true
      onClose(undefined, byUs ? undefined : code)
    })
  }

  get ready(): boolean {
    return this.#open && !this.#closed
  }
  get closed(): boolean {
    return this.#closed
  }

  send(msg: unknown): boolean {
    if (!this.ready) return false
    this.#ws.send(encodeFrame(msg, this.#encoding), { binary: this.#encoding === 'msgpack' })
    return true
  }

  close(): void {
    this.#closed = true
    this.#ws.terminate()
  }
}
