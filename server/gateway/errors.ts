// Typed gateway errors and the one mapping from any thrown value to a protocol error body.
import { ERROR_CODE, type ErrorBody, type ErrorCode } from '../../client/protocol.ts'
import type { Logger } from '../log.ts'

export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly retry_after_ms?: number
  readonly path?: string
  constructor(code: ErrorCode, message: string, extra: { retry_after_ms?: number; path?: string; cause?: unknown } = {}) {
    super(message, { cause: extra.cause })
    this.name = 'GatewayError'
    this.code = code
    if (extra.retry_after_ms !== undefined) this.retry_after_ms = extra.retry_after_ms
    if (extra.path !== undefined) this.path = extra.path
  }

  static from(body: ErrorBody): GatewayError {
    return new GatewayError(body.code, body.message, body)
  }
}

const CODES = new Set<string>(Object.values(ERROR_CODE))

/**
 * Any error → a protocol error body. Errors carrying a known protocol `code` (GatewayError,
 * EngineError, StoreError, DecodeError, AuthError) keep it; anything else is `internal` and logged,
 * with no internals leaked to the client.
 */
export function toErrorBody(err: unknown, log: Logger): ErrorBody {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && CODES.has(code) && code !== 'internal') {
      const body: ErrorBody = { code: code as ErrorCode, message: err.message }
      const { retry_after_ms, path } = err as { retry_after_ms?: unknown; path?: unknown }
      if (typeof retry_after_ms === 'number') body.retry_after_ms = retry_after_ms
      if (typeof path === 'string') body.path = path
      return body
    }
  }
  log.error({ err }, 'internal error while handling a request')
  return { code: 'internal', message: 'internal error; see the server log' }
}
