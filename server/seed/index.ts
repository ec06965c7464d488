// Seeding: streams generated users, interviewers and history into a Store, with progress and a
// summary; seedIfEmpty gives `npm start` the demo dataset on an empty database.
import type { Logger } from '../log.ts'
import type { Store } from '../store/index.ts'
import type { CopyChunk, SeedTable } from '../store/types.ts'
import { totalHistory, type Sizes } from './generate/sizes.ts'
import { produce } from './producer.ts'
import { SummaryBuilder, type SeedSummary } from './summary.ts'

export type { SeedSummary } from './summary.ts'
export { formatSummary } from './summary.ts'
export type { Sizes } from './generate/sizes.ts'

/** The demo dataset: the Terac demo's curl examples are meaningful against it (see seed.test.ts). */
export const DEMO_SEED = 20_260_101
export const DEMO_SIZES: Sizes = { users: 1_000, interviewers: 100, historyPerUser: 5 }

export interface SeedOptions extends Sizes {
  seed: number
}

export interface SeedProgress {
  table: 'interviewers' | 'users' | 'interviews'
  /** Rows written so far, all tables. */
  rows: number
  /** Rows this run will write in all. */
  total: number
}

export interface SeedRunOptions {
  /**
   * Generate the history (most of the rows) on a worker thread, under a heap cap of its own, instead
   * of on this thread between its I/O. Default false: the byte encoder makes generation cheaper than
   * the database's side of the COPY, and the worker's start-up (tsx and faker loaded again) cost more
   * CPU and ~60 MB more peak RSS than it won on a 2-core machine (see BENCHMARKS.md, Seeding).
   */
  worker?: boolean
}

/**
 * Seeds an empty database (bulk loads fail with StoreError('conflict') on existing ids). Rows are
 * streamed as COPY text in constant memory; both generation paths produce identical rows. On
 * Postgres the history loads in two parts on two connections while interviewers and then users load
 * on another, so generation, the COPYs and the index builds overlap; PGlite loads one table at a time.
 */
export async function seedDatabase(store: Store, opts: SeedOptions, onProgress?: (p: SeedProgress) => void, run: SeedRunOptions = {}): Promise<SeedSummary> {
  const { seed } = opts
  const sizes: Sizes = { users: opts.users, interviewers: opts.interviewers, historyPerUser: opts.historyPerUser }
  const summary = new SummaryBuilder(seed, sizes)
  const total = sizes.users + sizes.interviewers + totalHistory(seed, sizes)
  const worker = run.worker ?? false
  const local = await import('./chunks.ts')
  const onSummary = (s: SeedSummary): void => summary.merge(s)
  let rows = 0
  const count =
    (table: SeedTable) =>
    (chunks: AsyncIterable<CopyChunk>): AsyncIterable<CopyChunk> =>
      counted(chunks, (n) => {
        rows += n
        onProgress?.({ table, rows, total })
      })
  const load = (table: SeedTable): Promise<number> => {
    const chunks = worker && table === 'interviews' ? produce(table, seed, sizes, onSummary) : yielding(local.tableChunks(table, seed, sizes, onSummary))
    return store.bulkLoadEncoded(table, count(table)(chunks))
  }
  if (store.kind === 'postgres') {
    // The history in parts by user range, each on its own connection, while interviewers and then
    // users load on another: the database's side of the COPY is the larger cost, and this spreads it.
    const history = worker
      ? load('interviews')
      : store.bulkLoadParts(
          'interviews',
          userRanges(sizes.users, HISTORY_PARTS).map((range) => count('interviews')(yielding(local.tableChunks('interviews', seed, sizes, onSummary, range)))),
        )
    // Both settle before an error is thrown, so no COPY is still running when the caller closes the store.
    const settled = await Promise.allSettled([load('interviewers').then(() => load('users')), history])
    for (const s of settled) if (s.status === 'rejected') throw s.reason
  } else {
    for (const table of ['interviewers', 'users', 'interviews'] as const) await load(table)
  }
  return summary.finish()
}

/** COPY streams the history loads in side by side on Postgres. */
const HISTORY_PARTS = 2

/** 1..n split into k consecutive ranges (fewer when n < k). */
export function userRanges(n: number, k: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = []
  const step = Math.ceil(n / Math.max(1, k))
  for (let from = 1; from <= n; from += step) out.push({ from, to: Math.min(n, from + step - 1) })
  return out
}

/** Chunks generated on this thread, which lets other I/O (another table's COPY) run between them. */
async function* yielding(chunks: Iterable<CopyChunk>): AsyncGenerator<CopyChunk> {
  for (const c of chunks) {
    yield c
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

async function* counted(chunks: AsyncIterable<CopyChunk> | Iterable<CopyChunk>, each: (rows: number) => void): AsyncGenerator<CopyChunk> {
  for await (const c of chunks) {
    yield c
    each(c.rows)
  }
}

/** Seeds the demo dataset when the database holds no users, interviewers or history. */
export async function seedIfEmpty(store: Store, log: Logger): Promise<SeedSummary | null> {
  if (!(await store.isEmpty())) return null
  // Several nodes may start together on one empty database: one seeds, the others wait for it under
  // the lock and then find the data there.
  return store.exclusive('router.seed-demo', async () => {
    if (!(await store.isEmpty())) return null
    return seedDemo(store, log)
  })
}

async function seedDemo(store: Store, log: Logger): Promise<SeedSummary> {
  log.info({ seed: DEMO_SEED, ...DEMO_SIZES }, 'empty database: seeding the demo dataset')
  const s = await seedDatabase(store, { ...DEMO_SIZES, seed: DEMO_SEED })
  log.info({ counts: s.counts, elapsed_ms: s.elapsed_ms }, 'demo dataset seeded')
  return s
}
