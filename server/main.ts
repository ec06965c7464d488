// Process entry for `npm start`: config, the app, the start-up banner, graceful shutdown on signals.
import { ConfigError, loadConfig, type Config } from './config.ts'
import { createLogger, logFormat } from './log.ts'
import { createApp } from './app.ts'
import { UWS_BUILD } from './gateway/index.ts'

let config: Config
try {
  config = loadConfig()
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(2)
}

const log = createLogger(config.LOG_LEVEL, 'router', logFormat(config.LOG_FORMAT, process.stdout.isTTY === true))
if (UWS_BUILD === 'native') log.info('uWebSockets.js: native build')
else log.warn('uWebSockets.js: NATIVE BUILD NOT LOADED, running the slow JavaScript fallback; throughput will be a fraction of normal')
if (!config.JWT_SECRET) {
  log.warn(`OPEN LOCAL MODE: JWT_SECRET is unset, so there is NO AUTHENTICATION and every request acts as an operator. Listening on ${config.HOST} only. Set JWT_SECRET to require tokens.`)
}

const app = createApp(config, log)
let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'shutting down: closing the listen socket, draining in-flight requests, flushing commits')
  const force = setTimeout(() => {
    log.error('shutdown took longer than 20 s; exiting anyway')
    process.exit(1)
  }, 20_000)
  force.unref()
  await app.stop()
  log.info('stopped')
  process.exit(0)
}
// A stray rejected promise in some handler is a bug to log, not a reason to drop every connection.
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'))
process.once('SIGTERM', () => void shutdown('SIGTERM'))
process.once('SIGINT', () => void shutdown('SIGINT'))

// Start-up may wait on unref'd timers (lease or retry back-offs) with no socket open yet; without a
// referenced handle Node would exit 13 mid-start ("unsettled top-level await").
const keepAlive = setInterval(() => {}, 1000)
try {
  const { port, seeded, store, bus } = await app.start()
  clearInterval(keepAlive)
  const base = `http://${config.HOST}:${port}`
  const lines = [
    `interview router listening on ${base}  (node ${config.NODE_ID}, store ${store}, bus ${bus}${seeded ? ', demo dataset seeded' : ''})`,
    `  HTTP       ${base}/v1/route  ${base}/v1/state`,
    `  WebSocket  ws://${config.HOST}:${port}/v1/ws`,
    `  health     ${base}/healthz`,
    `  metrics    ${base}/metrics`,
    config.JWT_SECRET
      ? '  token      npm run token -- --role operator --sub me   (roles: client, interviewer, operator)'
      : '  auth       open local mode: no token needed (set JWT_SECRET, then: npm run token -- --role operator --sub me)',
  ]
  // The banner goes to stdout as plain text so a person (and the e2e harness) can read it.
  console.log(lines.join('\n'))
} catch (err) {
  clearInterval(keepAlive)
  log.fatal({ err }, 'start-up failed')
  await app.stop()
  process.exit(1)
}
