// Frame codec: JSON in text frames, MessagePack in binary frames; a reply uses its request's encoding.
import { Packr } from 'msgpackr'

export type Encoding = 'json' | 'msgpack'

// useRecords off: plain msgpack maps that any decoder (k6, other languages) can read.
// int64AsType number: ids stay JS numbers rather than BigInt.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', moreTypes: false })
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Thrown for a frame that is not valid JSON / MessagePack; `code` is the protocol's `invalid`. */
export class DecodeError extends Error {
  readonly code = 'invalid'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DecodeError'
  }
}

/**
 * Decodes one frame. The bytes may be a view over memory the transport reuses (uWS frees the
 * ArrayBuffer when the handler returns), so everything is copied into JS values here.
 */
export function decodeFrame(bytes: Uint8Array, binary: boolean): unknown {
  if (binary) {
    try {
      return packr.unpack(bytes)
    } catch (err) {
      throw new DecodeError(`malformed MessagePack frame: ${(err as Error).message}`, { cause: err })
    }
  }
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch (err) {
    throw new DecodeError('text frame is not valid UTF-8', { cause: err })
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new DecodeError(`malformed JSON frame: ${(err as Error).message}`, { cause: err })
  }
}

/** Encodes a value: a string for JSON (text frame), bytes for MessagePack (binary frame). */
export function encodeFrame(value: unknown, encoding: Encoding): string | Uint8Array {
  return encoding === 'json' ? JSON.stringify(value) : packr.pack(value)
}

export function packMsg(value: unknown): Uint8Array {
  return packr.pack(value)
}
