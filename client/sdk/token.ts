// The SDK's token: a fixed string or a provider called for a fresh one. A token's `exp` is read
// (not verified: that is the server's job) to renew it with an `auth` message before it expires.

/** A fixed token, or a function returning a fresh one (called on every connect and before expiry). */
export type TokenSource = string | (() => string | Promise<string>)

/** Renew this share of a token's remaining lifetime before its exp, between these bounds. */
const RENEW_SHARE = 0.25
const RENEW_MIN_LEAD_MS = 1000
const RENEW_MAX_LEAD_MS = 60_000

/** The `exp` claim of a JWT, in seconds since the epoch; null for anything that is not a JWT with one. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : null
  } catch {
    return null
  }
}

/** Milliseconds from now until a token expiring at expS should be renewed (0: at once). */
export function renewDelayMs(expS: number, nowMs: number): number {
  const left = expS * 1000 - nowMs
  const lead = Math.min(RENEW_MAX_LEAD_MS, Math.max(RENEW_MIN_LEAD_MS, left * RENEW_SHARE))
  return Math.max(0, left - lead)
}

export class Tokens {
  #source: TokenSource

  constructor(source: TokenSource | undefined) {
    this.#source = source ?? ''
  }

  /** The server accepted this token in an `auth` message: a fixed source uses it from now on. */
  renewed(token: string): void {
    if (typeof this.#source === 'string') this.#source = token
  }

  /** True when a new token can be had (a provider): only then is renewal before expiry possible. */
  get renewable(): boolean {
    return typeof this.#source === 'function'
  }

  /** The token to use now: the fixed one, or a fresh one from the provider. */
  async get(): Promise<string> {
    return typeof this.#source === 'function' ? await this.#source() : this.#source
  }
}
