// Benchmark baseline: a raw uWebSockets.js echo server (no decoding, no routing) — the ceiling
// WebSocket route round-trips are compared with. Run as its own process: `tsx echo-server.ts PORT`.
import uWS from 'uWebSockets.js'

const port = Number(process.argv[2])
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: echo-server.ts PORT')

uWS
  .App()
  .ws('/*', {
    compression: uWS.DISABLED,
    maxPayloadLength: 1024 * 1024,
    maxBackpressure: 64 * 1024 * 1024,
    idleTimeout: 0,
    message: (ws, message, isBinary) => {
      ws.send(message, isBinary)
    },
  })
  .get('/healthz', (res) => {
    res.end('ok')
  })
  .listen('127.0.0.1', port, (socket) => {
    if (!socket) {
      process.stderr.write(`echo server: cannot listen on ${port}\n`)
      process.exit(1)
    }
  })
