// Admission of a request's credentials, shared by HTTP requests, WebSocket upgrades and the `auth`
// message: one token per request, failed authentication limited per source address, and verified
// traffic limited per verified principal (never keyed by unverified token bytes).
import { AuthError, credentials, type Authenticator, type Principal } from '../auth/index.ts'
import { GatewayError } from './errors.ts'
import type { GatewayMetrics } from './metrics.ts'
import type { RateLimiter } from './rate-limit.ts'

/** What a request presents, copied out of the uWS request before any await. */
export interface Credentials {
  /** The Authorization header value ('' when absent). */
  authorization: string
  /** Every `?token=` value (HTTP and WebSocket follow one rule). */
  queryTokens: string[]
  peer: string
}

export class AuthGate {
  readonly #auth: Authenticator
  readonly #limiter: RateLimiter
  readonly #failures: RateLimiter
  readonly #metrics: GatewayMetrics

  /** limiter: verified traffic per principal key; failures: failed authentications per address. */
  constructor(auth: Authenticator, limiter: RateLimiter, failures: RateLimiter, metrics: GatewayMetrics) {
    this.#auth = auth
    this.#limiter = limiter
    this.#failures = failures
    this.#metrics = metrics
  }

  get open(): boolean {
    return this.#auth.open
  }

  /**
   * The verified principal of a request, or a throw: AuthError (`unauthorized`) for a missing, bad,
   * expired or ambiguous token; GatewayError(`rate_limited`) while the address has failed too often,
   * or (with `limit`) while the principal's own bucket is empty.
   */
  async admit(c: Credentials, limit: boolean): Promise<Principal> {
    let token: string
    try {
      token = credentials(c.authorization, c.queryTokens)
    } catch (err) {
      this.#failed(c.peer)
      throw err
    }
    const principal = await this.verify(token, c.peer)
    if (limit) {
      const wait = this.#limiter.take(principal.key)
      if (wait > 0) {
        this.#metrics.rateLimited++
        throw new GatewayError('rate_limited', `rate limit exceeded; retry in ${wait} ms`, { retry_after_ms: wait })
      }
    }
    return principal
  }

  /**
   * One token → its principal. A token verified before passes without an HMAC, even from an address
   * that is being limited (its holder is not the one guessing); any other token from such an
   * address is refused before verification, so guessing costs the guesser, not the server.
   */
  async verify(token: string, peer: string): Promise<Principal> {
    const known = this.#auth.known(token)
    if (known) return known
    const wait = this.#failures.peek(peer)
    if (wait > 0) {
      this.#metrics.rateLimited++
      throw new GatewayError('rate_limited', `too many failed authentications from this address; retry in ${wait} ms`, { retry_after_ms: wait })
    }
    try {
      return await this.#auth.authenticate(token, peer)
    } catch (err) {
      if (err instanceof AuthError) this.#failed(peer)
      throw err
    }
  }

  #failed(peer: string): void {
    this.#metrics.authFailures++
    this.#failures.take(peer)
  }

  sweep(): void {
    this.#limiter.sweep()
    this.#failures.sweep()
  }
}
