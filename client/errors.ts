// Typed SDK errors: every failure a caller sees is a RouterError with a protocol ErrorCode.
import type { ErrorBody, ErrorCode } from './protocol.ts'

export class RouterError extends Error {
  readonly code: ErrorCode
  readonly retry_after_ms?: number
  readonly path?: string

  constructor(code: ErrorCode, message: string, extra: { retry_after_ms?: number; path?: string; cause?: unknown } = {}) {
    super(message, { cause: extra.cause })
    this.name = 'RouterError'
    this.code = code
    if (extra.retry_after_ms !== undefined) this.retry_after_ms = extra.retry_after_ms
    if (extra.path !== undefined) this.path = extra.path
  }

  static from(body: ErrorBody): RouterError {
    return new RouterError(body.code, body.message, body)
  }
}
