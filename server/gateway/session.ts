// A WebSocket session's token lifetime: one timer per session closes it at its token's exp (with
// CLOSE_CODE.token_expired), and the `auth` message renews the token on a live session, for the
// same principal only, re-arming the timer. No scan over sessions: each has its own timer.
import type { AuthAck } from '../../client/protocol.ts'
import type { Principal } from '../auth/index.ts'
import type { AuthGate } from './auth-gate.ts'
import type { Conn, Writer } from './conn.ts'
import { GatewayError } from './errors.ts'

/** setTimeout's largest delay (about 24.8 days); a longer-lived token re-arms when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

export class Sessions {
  readonly #gate: AuthGate
  readonly #writer: Writer

  constructor(gate: AuthGate, writer: Writer) {
    this.#gate = gate
    this.#writer = writer
  }

  /** A session opened: arm its expiry timer (none in open mode, whose principal never expires). */
  open(conn: Conn): void {
    this.#arm(conn)
  }

  closed(conn: Conn): void {
    if (conn.expiry) clearTimeout(conn.expiry)
    conn.expiry = null
  }

  /** Closes the session when its token has expired; true when it did (a frame then goes unanswered). */
  expireIfDue(conn: Conn): boolean {
    const exp = conn.principal.exp
    if (exp === Infinity || exp * 1000 > Date.now()) return false
    this.#writer.expire(conn)
    return true
  }

  /**
   * `auth`: verifies the new token and, if it names the same principal (sub and role), makes it the
   * session's token. A bad token is `unauthorized` and a different principal `forbidden`; either
   * way the session carries on with its old token until that one's exp.
   */
  async refresh(conn: Conn, token: string): Promise<AuthAck> {
    const next = await this.#gate.verify(token, conn.peer)
    const p = conn.principal
    if (next.sub !== p.sub || next.role !== p.role) {
      throw new GatewayError('forbidden', `auth renews this session's token for ${p.role} ${JSON.stringify(p.sub)}; to act as someone else, open a new connection`)
    }
    if (!conn.closed) {
      conn.principal = next
      this.#arm(conn)
    }
    return ack(next)
  }

  #arm(conn: Conn): void {
    this.closed(conn)
    const exp = conn.principal.exp
    if (!Number.isFinite(exp) || conn.closed) return
    const delay = exp * 1000 - Date.now()
    if (delay <= 0) {
      this.#writer.expire(conn)
      return
    }
    // A timer may fire a little early or, for a very long token, at MAX_TIMER_MS: check and re-arm.
    conn.expiry = setTimeout(
      () => {
        conn.expiry = null
        if (!this.expireIfDue(conn)) this.#arm(conn)
      },
      Math.min(delay, MAX_TIMER_MS),
    )
    conn.expiry.unref()
  }
}

function ack(p: Principal): AuthAck {
  return { sub: p.sub, role: p.role, exp: Number.isFinite(p.exp) ? p.exp : null }
}
