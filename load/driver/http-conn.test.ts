// The lean HTTP client: response parsing across chunk boundaries, and requests answered in order
// when more are queued than the pipelining window allows.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { HttpConn, parseResponses } from './http-conn.ts'

describe('parseResponses', () => {
  it('parses content-length and chunked bodies and keeps a partial tail', () => {
    const a = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
    const b = 'HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'
    const partial = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'
    const { responses, rest } = parseResponses(Buffer.from(a + b + partial))
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([
      [200, 'ok'],
      [404, 'abcde'],
    ])
    expect(rest.toString()).toBe(partial)
  })
})

describe('HttpConn', () => {
  it('answers queued requests in order with a window of 1, however they interleave', async () => {
    const server = createServer((req, res) => {
      // Answer out of timing order: later requests are faster.
      setTimeout(() => res.end(req.url), req.url === '/slow' ? 30 : 1)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    const got: string[] = []
    const conn = new HttpConn(
      '127.0.0.1',
      port,
      undefined,
      1,
      (r) => {
        got.push(r.body.toString())
        // A request made from inside a response must not overtake the ones already queued.
        if (got.length === 1) conn.request('GET', '/from-callback')
      },
      () => {},
    )
    conn.request('GET', '/slow')
    conn.request('GET', '/a')
    conn.request('GET', '/b')
    while (got.length < 4) await new Promise((r) => setTimeout(r, 10))
    expect(got).toEqual(['/slow', '/a', '/b', '/from-callback'])
    expect(conn.inFlight).toBe(0)
    conn.close()
    await new Promise<void>((r) => server.close(() => r()))
  })
})
