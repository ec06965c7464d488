// `npm run train`: fits the success model on the interview history in the database and saves it as
// a new model version. Exit codes: 0 saved, 1 database unavailable or failed, 2 bad flags or
// configuration, 3 too little history (nothing saved; routing keeps the hand-weighted score).
import { LearnError } from '../../actors/learn/logistic.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { createStore, StoreError, type Store } from '../store/index.ts'
import { trainFromStore, type TrainOptions } from './train.ts'

const USAGE = 'usage: npm run train -- [--limit N (newest history rows, default 200000)] [--l2 X (default 1)]'

export function parseTrainArgs(argv: readonly string[]): TrainOptions & { help?: boolean } {
  const out: TrainOptions & { help?: boolean } = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') out.help = true
    else if (a === '--limit' || a === '--l2') {
      const v = Number(argv[++i])
      if (!Number.isFinite(v) || v < 0 || (a === '--limit' && (!Number.isInteger(v) || v < 1)))
        throw new Error(`${a} needs a ${a === '--limit' ? 'positive integer' : 'non-negative number'}, got ${JSON.stringify(argv[i])}`)
      if (a === '--limit') out.limit = v
      else out.l2 = v
    } else throw new Error(`unknown flag ${JSON.stringify(a)}`)
  }
  return out
}

export async function main(argv: readonly string[]): Promise<number> {
  const err = (msg: string): void => void process.stderr.write(`train: ${msg}\n`)
  let args: ReturnType<typeof parseTrainArgs>
  let config: ReturnType<typeof loadConfig>
  try {
    args = parseTrainArgs(argv)
    config = loadConfig()
  } catch (e) {
    err(e instanceof ConfigError ? e.message : `${(e as Error).message}\n${USAGE}`)
    return 2
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  let store: Store | undefined
  try {
    store = await createStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })
    await store.migrate()
    const v = await trainFromStore(store, args)
    const m = v.metrics
    process.stdout.write(`model version ${v.id} saved: ${v.rows_used} rows, hold-out AUC ${m.auc.toFixed(3)}, Brier ${m.brier.toFixed(4)}, log loss ${m.log_loss.toFixed(4)}\n`)
    return 0
  } catch (e) {
    if (e instanceof LearnError) {
      err(`no model saved: ${e.message}; routing keeps the hand-weighted score`)
      return 3
    }
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
    process.stderr.write(`train: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  },
)
