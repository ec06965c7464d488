// The Writer over a fake socket: frames of one task go out as one corked write per connection, in
// order; a reader too slow for its replies is closed, a push it cannot take is counted as dropped.
import { describe, expect, it } from 'vitest'
import type { WebSocket } from 'uWebSockets.js'
import { CLOSE_CODE } from '../../client/protocol.ts'
import { openPrincipal, type Principal } from '../auth/index.ts'
import { Frames, newConn, Writer, type Conn } from './conn.ts'
import { GatewayMetrics } from './metrics.ts'

/** Records what the Writer does to a socket. `status`: what send returns (0 ok, 2 dropped). */
function fakeSocket(conn: Conn) {
  const s = {
    corks: 0,
    sent: [] as string[],
    ended: null as [number, string] | null,
    buffered: 0,
    status: 0,
    cork(cb: () => void) {
      s.corks++
      cb()
      return s
    },
    send(frame: string | Uint8Array) {
      s.sent.push(String(frame))
      return s.status
    },
    getBufferedAmount: () => s.buffered,
    end(code: number, reason: string) {
      s.ended = [code, reason]
    },
  }
  conn.ws = s as unknown as WebSocket<Conn>
  return s
}

function setup(maxBackpressure = 1024) {
  const metrics = new GatewayMetrics()
  const writer = new Writer(metrics, maxBackpressure)
  const conn = (): Conn => newConn(openPrincipal('127.0.0.1'), '127.0.0.1', 'json')
  return { metrics, writer, conn }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('Writer', () => {
  it('writes the replies and pushes of one task once per connection, in the order they were made', async () => {
    const { writer, conn } = setup()
    const a = conn()
    const b = conn()
    const sa = fakeSocket(a)
    const sb = fakeSocket(b)
    writer.reply(a, 1, { n: 1 }, 'json')
    writer.push(a, new Frames({ type: 'event', n: 2 }))
    writer.reply(b, 7, { n: 7 }, 'json')
    writer.error(a, 3, { code: 'invalid', message: 'bad' }, 'json')
    expect(sa.sent).toEqual([])
    await tick()
    expect(sa.corks).toBe(1)
    expect(sb.corks).toBe(1)
    expect(sa.sent.map((f) => JSON.parse(f))).toEqual([
      { re: 1, ok: true, result: { n: 1 } },
      { type: 'event', n: 2 },
      { re: 3, ok: false, error: { code: 'invalid', message: 'bad' } },
    ])
    expect(sb.sent.map((f) => JSON.parse(f))).toEqual([{ re: 7, ok: true, result: { n: 7 } }])
    writer.reply(a, 4, {}, 'json')
    await tick()
    expect(sa.corks).toBe(2)
    expect(sa.sent).toHaveLength(4)
  })

  it('closes a connection whose reply the socket refuses, and sends nothing after it', async () => {
    const { writer, conn } = setup()
    const a = conn()
    const sa = fakeSocket(a)
    sa.status = 2
    writer.reply(a, 1, {}, 'json')
    writer.reply(a, 2, {}, 'json')
    await tick()
    expect(sa.sent).toHaveLength(1)
    expect(sa.ended?.[0]).toBe(CLOSE_CODE.backpressure)
    expect(a.closed).toBe(true)
    writer.reply(a, 3, {}, 'json')
    await tick()
    expect(sa.sent).toHaveLength(1)
  })

  it('drops pushes while the socket buffer is past the push limit, and reports them once it drains', async () => {
    const { metrics, writer, conn } = setup(1000)
    const a = conn()
    const sa = fakeSocket(a)
    const big = new Frames({ type: 'event', pad: 'x'.repeat(300) })
    // A burst the reader keeps up with goes out whole, however much one task queued.
    for (let i = 0; i < 10; i++) writer.push(a, big)
    await tick()
    expect(sa.sent).toHaveLength(10)
    expect(metrics.droppedPushes).toBe(0)
    // Past half of maxBackpressure in the socket's buffer, pushes are dropped and counted.
    sa.buffered = 600
    writer.push(a, big)
    writer.reply(a, 1, {}, 'json')
    await tick()
    expect(metrics.droppedPushes).toBe(1)
    expect(JSON.parse(sa.sent.at(-1) as string).re).toBe(1)
    // A push the socket itself refuses is counted too, and does not close the connection.
    sa.buffered = 0
    sa.status = 2
    writer.push(a, new Frames({ type: 'event' }))
    await tick()
    expect(metrics.droppedPushes).toBe(2)
    expect(a.closed).toBe(false)
    sa.status = 0
    writer.drained(a)
    await tick()
    expect(JSON.parse(sa.sent.at(-1) as string)).toEqual({ type: 'dropped', count: 2 })
  })

  it('a socket that throws costs its own frames only; the other connections are still written', async () => {
    const { metrics, writer, conn } = setup()
    const a = conn()
    const b = conn()
    const sa = fakeSocket(a)
    const sb = fakeSocket(b)
    sa.send = () => {
      throw new Error('Invalid access of closed uWS.WebSocket')
    }
    writer.reply(a, 1, {}, 'json')
    writer.reply(b, 2, {}, 'json')
    await tick()
    expect(sb.sent).toHaveLength(1)
    expect(metrics.errors).toBe(1)
    sa.send = (frame: string | Uint8Array) => {
      sa.sent.push(String(frame))
      return 0
    }
    writer.reply(a, 3, {}, 'json')
    await tick()
    expect(sa.sent.map((f) => JSON.parse(f).re)).toEqual([3])
  })

  it('writes what is queued before closing', () => {
    const { writer, conn } = setup()
    const a = conn()
    const sa = fakeSocket(a)
    writer.error(a, 9, { code: 'rate_limited', message: 'flood' }, 'json')
    writer.close(a, CLOSE_CODE.rate_limited, 'rate limit flood')
    expect(JSON.parse(sa.sent[0] as string).re).toBe(9)
    expect(sa.ended).toEqual([CLOSE_CODE.rate_limited, 'rate limit flood'])
  })

  it('writes nothing for a session whose token has expired: its queue is dropped and it closes with token_expired', async () => {
    const { metrics, writer } = setup()
    const expiring: Principal = { sub: 'ops', role: 'operator', exp: Date.now() / 1000 + 3600, key: 'operator:ops' }
    const a = newConn(expiring, '127.0.0.1', 'json')
    const sa = fakeSocket(a)
    writer.push(a, new Frames({ type: 'event', n: 1 }))
    await tick()
    expect(sa.sent).toHaveLength(1)
    // The token runs out between two flushes (its timer has not fired): the next push never leaves.
    a.principal = { ...expiring, exp: Date.now() / 1000 - 1 }
    writer.push(a, new Frames({ type: 'event', n: 2 }))
    writer.reply(a, 5, {}, 'json')
    await tick()
    expect(sa.sent).toHaveLength(1)
    expect(sa.ended?.[0]).toBe(CLOSE_CODE.token_expired)
    expect(metrics.sessionsExpired).toBe(1)
  })
})
