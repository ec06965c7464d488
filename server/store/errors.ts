// Storage errors with stable codes; driver errors are mapped here so callers never see driver types.

/** `fenced`: a shard write under an epoch that has moved on (a newer owner took the shard). */
export const STORE_ERROR = { unavailable: 'unavailable', conflict: 'conflict', invalid: 'invalid', fenced: 'fenced' } as const
export type StoreErrorCode = (typeof STORE_ERROR)[keyof typeof STORE_ERROR]

export class StoreError extends Error {
  readonly code: StoreErrorCode
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreError'
    this.code = code
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
])

function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code)
  return ''
}

/** Maps a driver error (postgres.js, PGlite) to a StoreError; `where` names the database, never a password. */
export function toStoreError(err: unknown, where: string): StoreError {
  if (err instanceof StoreError) return err
  const code = codeOf(err)
  const msg = err instanceof Error ? err.message : String(err)
  if (CONNECTION_CODES.has(code) || /^(08|57P0[1-3]|53)/.test(code)) {
    return new StoreError('unavailable', `database at ${where} is unavailable: ${code || msg}`, { cause: err })
  }
  if (code === '23505' || code === '40001' || code === '40P01') return new StoreError('conflict', msg, { cause: err })
  return new StoreError('invalid', msg, { cause: err })
}
