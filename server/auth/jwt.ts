// HS256 JWTs with claims sub, role, exp: minting (token CLI, tests) and verifying (gateway), with a
// small cache so a hot HTTP client does not pay for an HMAC per request.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { ROLES, type Role } from '../../client/protocol.ts'

export interface Principal {
  sub: string
  role: Role
  /** Expiry in seconds since the epoch; Infinity in open local mode. */
  exp: number
  /** Rate-limit key: the token's subject and role, or the peer address when anonymous. */
  key: string
}

/** Why a token was refused; code is the protocol's `unauthorized`. */
export class AuthError extends Error {
  readonly code = 'unauthorized'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AuthError'
  }
}

const CLOCK_SKEW_S = 5
const CACHE_MAX = 10_000

/** Parses a duration like 90s, 15m, 1h, 7d (or plain seconds) into seconds. */
export function parseTtl(ttl: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(ttl.trim())
  if (!m) throw new AuthError(`ttl ${JSON.stringify(ttl)} must look like 90s, 15m, 1h or 7d`)
  const n = Number(m[1])
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd']
  return n * unit
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** An interviewer id in its one canonical spelling: `5`, never `05` or `000000000000005`. */
export const CANONICAL_INTERVIEWER_ID = /^(0|[1-9]\d{0,14})$/

/**
 * Why a (sub, role) pair cannot be a principal, or null. An interviewer token's subject is its
 * interviewer id in canonical decimal: other spellings of the same number would be separate
 * principals (own rate-limit bucket) acting for the same interviewer.
 */
export function subjectProblem(sub: string, role: Role): string | null {
  if (!sub) return 'token has no subject'
  if (role === 'interviewer' && !CANONICAL_INTERVIEWER_ID.test(sub))
    return `interviewer token subject must be an interviewer id in canonical decimal form (like 7), not ${JSON.stringify(sub.slice(0, 32))}`
  return null
}

export async function signToken(secret: string, claims: { sub: string; role: Role; ttlS?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttlS ?? 3600))
    .sign(new TextEncoder().encode(secret))
}

export class TokenVerifier {
  readonly #key: Uint8Array
  readonly #cache = new Map<string, Principal>()

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret)
  }

  /** The principal of a token verified before and not yet expired, without verifying it again; else null. */
  known(token: string): Principal | null {
    const cached = this.#cache.get(token)
    return cached && cached.exp > Date.now() / 1000 ? cached : null
  }

  /**
   * Verifies a token; throws AuthError with a message saying what is wrong. A token is valid until
   * its `exp`, with no tolerance: a live session closes at exp, and a new one must not open on the
   * same token a moment later. The clock tolerance applies to `iat`/`nbf` only.
   */
  async verify(token: string): Promise<Principal> {
    const cached = this.#cache.get(token)
    if (cached) {
      if (cached.exp > Date.now() / 1000) return cached
      this.#cache.delete(token)
      throw new AuthError('token expired')
    }
    let payload: Record<string, unknown>
    try {
      ;({ payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], clockTolerance: CLOCK_SKEW_S, requiredClaims: ['sub', 'exp'] }))
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AuthError('token expired', { cause: err })
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw new AuthError('token signature is invalid', { cause: err })
      throw new AuthError(`token is invalid: ${(err as Error).message}`, { cause: err })
    }
    const { sub, role, exp } = payload
    if (typeof sub !== 'string' || !sub) throw new AuthError('token has no subject')
    if (!isRole(role)) throw new AuthError(`token role must be one of ${ROLES.join(', ')}`)
    if (typeof exp !== 'number') throw new AuthError('token has no expiry')
    if (exp <= Date.now() / 1000) throw new AuthError('token expired')
    const problem = subjectProblem(sub, role)
    if (problem) throw new AuthError(problem)
    const p: Principal = { sub, role, exp, key: `${role}:${sub}` }
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear()
    this.#cache.set(token, p)
    return p
  }
}

/** The principal of open local mode: everything allowed, as an operator. */
export function openPrincipal(peer: string): Principal {
  return { sub: 'local', role: 'operator', exp: Infinity, key: `ip:${peer}` }
}

/** Reads a bearer token from an Authorization header value; '' when absent. */
export function bearer(header: string): string {
  const m = /^Bearer\s+(.+)$/i.exec(header.trim())
  return m ? m[1].trim() : ''
}

/**
 * The one token a request carries, from its Authorization header and its `?token=` query values
 * (HTTP and WebSocket alike); '' when none. Two different tokens are refused rather than one
 * silently winning: a header client plus a query operator must not act as the operator.
 */
export function credentials(authorization: string, queryTokens: string[]): string {
  let token = authorization ? bearer(authorization) : ''
  for (const t of queryTokens) {
    if (!t || t === token) continue
    if (token) throw new AuthError('the request carries two different tokens (Authorization header and ?token=); send one')
    token = t
  }
  return token
}

/** Turns the token a request carries into a principal: JWT when a secret is set, else open local mode. */
export class Authenticator {
  readonly open: boolean
  readonly #verifier: TokenVerifier | null

  constructor(secret: string) {
    this.open = !secret
    this.#verifier = secret ? new TokenVerifier(secret) : null
  }

  /** The principal of a token this process verified before (cheap; no HMAC), or null. */
  known(token: string): Principal | null {
    if (!this.#verifier) return null
    return this.#verifier.known(token)
  }

  /** Resolves the principal, or throws AuthError (missing, invalid or expired token). */
  authenticate(token: string, peer: string): Promise<Principal> | Principal {
    if (!this.#verifier) return openPrincipal(peer)
    if (!token) throw new AuthError('missing token: send Authorization: Bearer <jwt> (or ?token= on the WebSocket); mint one with npm run token')
    return this.#verifier.verify(token)
  }
}
