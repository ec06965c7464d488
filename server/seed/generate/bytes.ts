// COPY text written straight as UTF-8 bytes: the seeding hot path builds no per-row strings or
// objects (string concatenation, then TextEncoder, was over a third of generation time, mostly GC).
import { copyText } from '../../store/copy.ts'

const encoder = new TextEncoder()

/** The UTF-8 bytes of a value as COPY text writes it (escaped). */
export function copyBytes(s: string): Uint8Array {
  return encoder.encode(copyText(s))
}

/** The UTF-8 bytes of a string taken as it is (already valid COPY text). */
export function rawBytes(s: string): Uint8Array {
  return encoder.encode(s)
}

const MAX_DIGITS = 16
const MAX_FREE = 4

/**
 * An append-only byte buffer; take() hands its contents over and starts on another buffer. Buffers
 * handed back with recycle() are reused: a million-row load then cycles through a few buffers instead
 * of leaving hundreds of dead megabytes for the GC (and malloc) to return.
 */
export class ByteWriter {
  buf: Uint8Array
  pos = 0
  readonly #capacity: number
  readonly #free: ArrayBuffer[] = []

  constructor(capacity = 1 << 20) {
    this.#capacity = capacity
    this.buf = new Uint8Array(capacity)
  }

  /** Takes back the buffer of a view take() returned, once its bytes are consumed. */
  recycle(view: Uint8Array): void {
    const b = view.buffer as ArrayBuffer
    // A buffer transferred to another thread is detached (length 0); a grown one is not ours to size.
    if (b.byteLength === this.#capacity && this.#free.length < MAX_FREE && !this.#free.includes(b)) this.#free.push(b)
  }

  /** Makes room for n more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  bytes(b: Uint8Array): void {
    const n = b.length
    if (this.pos + n > this.buf.length) this.reserve(n)
    const buf = this.buf
    let p = this.pos
    // Short pool values (most of them) copy faster by hand than through TypedArray#set.
    if (n < 24) for (let i = 0; i < n; i++) buf[p++] = b[i]
    else {
      buf.set(b, p)
      p += n
    }
    this.pos = p
  }

  byte(c: number): void {
    if (this.pos >= this.buf.length) this.reserve(1)
    this.buf[this.pos++] = c
  }

  /** A non-negative integer in decimal. */
  uint(v: number): void {
    if (this.pos + MAX_DIGITS > this.buf.length) this.reserve(MAX_DIGITS)
    const buf = this.buf
    if (v < 10) {
      buf[this.pos++] = 48 + v
      return
    }
    let digits = 1
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++
    let p = this.pos + digits
    this.pos = p
    for (let x = v; ; ) {
      const q = Math.floor(x / 10)
      buf[--p] = 48 + (x - q * 10)
      if (q === 0) break
      x = q
    }
  }

  /** Exactly two digits (00–99). */
  two(v: number): void {
    if (this.pos + 2 > this.buf.length) this.reserve(2)
    const q = Math.floor(v / 10)
    this.buf[this.pos++] = 48 + q
    this.buf[this.pos++] = 48 + (v - q * 10)
  }

  /** The bytes written since the last take, as a view this writer never touches again. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos)
    const free = this.#free.pop()
    this.buf = free ? new Uint8Array(free) : new Uint8Array(this.#capacity)
    this.pos = 0
    return out
  }
}

export const TAB = 9
export const NL = 10
