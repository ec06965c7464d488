// Records docs/bench/driver-run.md: the Node load driver run against `npm start` (the real
// start command, demo dataset, PGlite in a fresh data folder), closed loop to find the server's
// limit, with the CPU of server vs driver and the invariant checks the driver runs afterwards.
// Run: `npx tsx load/bench/driver-run.ts [--quick]` (about 1.5 minutes; 40 s with --quick).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './procs.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const quick = process.argv.includes('--quick')
const duration = quick ? '6s' : '15s'

/** The scenarios recorded, as the `npm run load` arguments a reader can paste. */
const RUNS: string[][] = [
  ['--scenario', 'ws-burst', '--rate', 'max', '--conns', '64', '--pipeline', '4', '--duration', duration, '--complete', '--service-ms', '20'],
  ['--scenario', 'ws-burst', '--rate', 'max', '--conns', '512', '--pipeline', '4', '--duration', duration, '--complete', '--service-ms', '20'],
  ['--scenario', 'http-burst', '--rate', 'max', '--conns', '64', '--pipeline', '1', '--duration', duration, '--complete', '--service-ms', '20'],
  ['--scenario', 'http-burst', '--rate', 'max', '--conns', '1024', '--pipeline', '1', '--duration', duration, '--complete', '--service-ms', '20'],
]

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    child.stderr.on('data', (b: Buffer) => process.stderr.write(b))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code: code ?? 1, out }))
  })
}

async function main(): Promise<void> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'driver-run-'))
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, RATE_LIMIT_RPS: '100000000', RATE_LIMIT_BURST: '100000000', LOG_LEVEL: 'warn' }
  for (const k of ['DATABASE_URL', 'NATS_URL', 'JWT_SECRET']) delete env[k]
  // `npm start` itself, in its own process group so stopping it stops the node it runs.
  const server = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  const url = `http://127.0.0.1:${port}`
  const sections: string[] = []
  try {
    const until = Date.now() + 180_000
    for (;;) {
      if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}`)
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      if (Date.now() > until) throw new Error('npm start was not ready after 180 s')
      await new Promise((r) => setTimeout(r, 250))
    }
    for (const args of RUNS) {
      const full = [...args, '--url', url]
      process.stderr.write(`[driver-run] npm run load -- ${args.join(' ')}\n`)
      const r = await run('npm', ['run', '--silent', 'load', '--', ...full], env)
      sections.push(`## \`npm run load -- ${args.join(' ')}\`\n\n\`\`\`\n${r.out.trimEnd()}\nexit code ${r.code}\n\`\`\``)
    }
  } finally {
    try {
      process.kill(-(server.pid as number), 'SIGTERM')
    } catch {
      /* already gone */
    }
    await new Promise((r) => setTimeout(r, 1500))
    rmSync(dataDir, { recursive: true, force: true })
  }
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
    } catch {
      return 'unknown'
    }
  })()
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ')
  const md = [
    '# Node load driver against `npm start`',
    '',
    `Recorded ${when} UTC at commit \`${commit}\` by \`npx tsx load/bench/driver-run.ts${quick ? ' --quick' : ''}\` on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    'The server and the driver share these cores; the `machine` line counts everything running on them.',
    '',
    'Each transport runs at two loads (256 vs 2,048 WebSocket routes in flight; 64 vs 1,024 HTTP connections): where throughput stays flat while latency grows, the server is at its limit, whichever resource sets it.',
    '',
    "`saturated` names the limit, from the figures above it: `server` when a server thread (its event loop or the PGlite worker) ran out of a core, or when one of the two threads every request passes through, the event loop or the database thread (PGlite, which executes every commit in turn), was busy at least 85% of the wall time (the `server busy` line, read from the server's `/metrics`; wall time, so it includes waiting for a core while working), or when every core was busy and the server used at least 3× the driver's CPU; `DRIVER` when a load worker ran out of a core; `machine` when every core was busy and neither side dominated.",
    '',
    `Server: \`RATE_LIMIT_RPS=100000000 RATE_LIMIT_BURST=100000000 PORT=${port} DATA_DIR=<empty dir> npm start\` (PGlite, in-process bus, demo dataset: 1,000 users, 100 interviewers). The per-peer rate limit is lifted because every load connection comes from 127.0.0.1.`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n')
  writeFileSync(join(ROOT, 'docs/bench/driver-run.md'), md)
  process.stderr.write('[driver-run] wrote docs/bench/driver-run.md\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`driver-run: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
