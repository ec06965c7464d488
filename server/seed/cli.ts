// `npm run seed`: fills the database with a deterministic synthetic dataset.
// Exit codes: 0 done, 1 database unavailable or failed, 2 bad flags / configuration / non-empty database.
import { ConfigError, loadConfig } from '../config.ts'
import { createStore, StoreError, type Store } from '../store/index.ts'
import { ArgsError, USAGE, parseSeedArgs } from './args.ts'
import { formatSummary, seedDatabase } from './index.ts'
import { createProgress } from './progress.ts'

export async function main(argv: readonly string[]): Promise<number> {
  const err = (msg: string): void => void process.stderr.write(`seed: ${msg}\n`)
  let args: ReturnType<typeof parseSeedArgs>
  let config: ReturnType<typeof loadConfig>
  try {
    args = parseSeedArgs(argv)
    config = loadConfig()
  } catch (e) {
    if (e instanceof ArgsError) {
      err(`${e.message}\n${USAGE}`)
      return 2
    }
    if (e instanceof ConfigError) {
      err(e.message)
      return 2
    }
    throw e
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  let store: Store | undefined
  try {
    store = await createStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })
    await store.migrate()
    if (!(await store.isEmpty())) {
      if (!args.reset) {
        const c = await store.counts()
        err(`the database at ${store.location} already holds ${c.users} users, ${c.interviewers} interviewers and ${c.interviews} interviews; pass --reset to replace them`)
        return 2
      }
      await store.reset()
    }
    const progress = createProgress(process.stderr)
    const summary = await seedDatabase(store, args, (p) => progress.update(p.rows, p.total, p.table))
    progress.done()
    const usage = process.resourceUsage()
    const peak_rss_mb = Math.round(usage.maxRSS / 1024)
    // CPU of this process, all threads: a throughput figure that survives a busy machine.
    const cpu_s = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1e4) / 100
    process.stdout.write(
      args.json ? `${JSON.stringify({ ...summary, backend: store.kind, peak_rss_mb, cpu_s })}\n` : `${formatSummary(summary, `${store.kind} (${store.location})`)}\n  peak RSS ${peak_rss_mb} MB\n`,
    )
    return 0
  } catch (e) {
    if (e instanceof StoreError) {
      err(e.code === 'unavailable' ? e.message : `failed (${e.code}): ${e.message}`)
      return 1
    }
    throw e
  } finally {
    await store?.close().catch(() => {})
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`seed: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  },
)
