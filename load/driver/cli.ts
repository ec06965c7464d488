// `npm run load`: the Node load driver's command line — runs one scenario, prints a live progress
// line and a summary table, and exits non-zero on any invariant violation.
import { cpus } from 'node:os'
import { parseArgs, USAGE, UsageError } from './args.ts'
import { runLoad, type Progress } from './run.ts'
import { formatReport } from './stats.ts'

let opts: ReturnType<typeof parseArgs>
try {
  opts = parseArgs(process.argv.slice(2), cpus().length)
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n\nusage: ${USAGE}\n`)
    process.exit(2)
  }
  throw err
}

const tty = process.stderr.isTTY
const progress = (p: Progress): void => {
  const line = `[${p.t_s}s] sent ${p.sent.toLocaleString('en-US')}  done ${p.done.toLocaleString('en-US')}  ${p.rps.toLocaleString('en-US')}/s  p99 ${p.p99_ms.toFixed(2)} ms`
  // On a terminal the line is redrawn in place; in logs each second is its own line.
  process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
}

process.stderr.write(`load: ${opts.scenario} → ${opts.url}  rate ${opts.rate ?? 'max'}  ${opts.duration_ms / 1000}s  ${opts.conns} conns  ${opts.workers} workers\n`)
const report = await runLoad(opts, progress)
if (tty) process.stderr.write('\n')
process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
process.exit(report.invariants.violations.length > 0 ? 1 : 0)
