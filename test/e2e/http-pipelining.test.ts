// HTTP/1.1 pipelining on one raw keep-alive socket, black box. uWebSockets.js answers pipelined
// requests in order as long as each earlier response is complete when the next request is parsed;
// a request that arrives while an earlier one is still being answered (every engine call is
// asynchronous: an `assigned` reply waits for its commit) makes uWS close the connection, by design
// upstream ("denying async pipelining"). What the gateway guarantees: every answerable request is
// answered in order, and a pipelining client is never left hanging: its connection closes at once
// and a fresh one is served.
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResponses, type HttpResponse } from '../../load/driver/http-conn.ts'
import { startServer, type ServerHandle } from './server.ts'

const ROUTE = JSON.stringify({ topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30, user_id: 42 })

function request(method: string, path: string, body = ''): string {
  return `${method} ${path} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/** Writes `raw` at once on a fresh socket; resolves once `want` responses arrived or the server closed. */
function pipeline(port: number, raw: string, want: number): Promise<{ responses: HttpResponse[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port }, () => socket.write(raw))
    let buf = Buffer.alloc(0)
    const responses: HttpResponse[] = []
    const done = (closed: boolean) => {
      socket.destroy()
      resolve({ responses, closed })
    }
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseResponses(Buffer.concat([buf, chunk]))
      buf = Buffer.from(parsed.rest)
      responses.push(...parsed.responses)
      if (responses.length >= want) done(false)
    })
    socket.on('close', () => done(true))
    socket.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? done(true) : reject(err)))
  })
}

describe('HTTP pipelining on one keep-alive socket', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer()
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('answers every pipelined request, in order, when each earlier one is answered at once', async () => {
    const raw = request('GET', '/nope-1') + request('GET', '/nope-2') + request('POST', '/v1/route', ROUTE)
    const { responses } = await pipeline(srv.port, raw, 3)
    expect(responses.map((r) => r.status)).toEqual([404, 404, 200])
    expect(JSON.parse(responses[0].body.toString()).error.message).toContain('/nope-1')
    expect(JSON.parse(responses[1].body.toString()).error.message).toContain('/nope-2')
    expect(JSON.parse(responses[2].body.toString())).toMatchObject({ status: 'assigned', user_id: 42 })
  })

  it('a request pipelined behind one still being answered closes the socket instead of hanging it', async () => {
    const raw = request('POST', '/v1/route', ROUTE) + request('POST', '/v1/route', ROUTE) + request('GET', '/healthz')
    const { responses, closed } = await pipeline(srv.port, raw, 3)
    expect(closed).toBe(true)
    expect(responses.length).toBeLessThan(3)
    // The server is unharmed: the next connection, one request at a time, is served.
    const again = await pipeline(srv.port, request('GET', '/healthz'), 1)
    expect(again.responses.map((r) => r.status)).toEqual([200])
  })
})
