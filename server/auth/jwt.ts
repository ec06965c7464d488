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

  /** Verifies a token; throws AuthError with a message saying what is wrong. */
  async verify(token: string): Promise<Principal> {
    const cached = this.#cache.get(token)
    if (cached) {
      if (cached.exp + CLOCK_SKEW_S > Date.now() / 1000) return cached
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

/** Turns the token a request carries into a principal: JWT when a secret is set, else open local mode. */
export class Authenticator {
  readonly open: boolean
  readonly #verifier: TokenVerifier | null

  constructor(secret: string) {
    this.open = !secret
    this.#verifier = secret ? new TokenVerifier(secret) : null
  }

  /** Resolves the principal, or throws AuthError (missing, invalid or expired token). */
  authenticate(token: string, peer: string): Promise<Principal> | Principal {
    if (!this.#verifier) return openPrincipal(peer)
    if (!token) throw new AuthError('missing token: send Authorization: Bearer <jwt> (or ?token= on the WebSocket); mint one with npm run token')
    return this.#verifier.verify(token)
  }
}
