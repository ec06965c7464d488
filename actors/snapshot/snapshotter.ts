// Writes this shard's interviewer snapshots periodically and at graceful shutdown, off the hot path:
// capture walks the queues in slices (yielding to the event loop between them, so routing never
// waits behind 100,000 interviewers), then one batched write of the interviewers whose state changed
// since the last run; the run's watermark vouches for the rest. A failed run is retried next tick.
import type { Logger, InterviewerSnapshot, SnapshotLog } from '../ports.ts'
import type { InterviewerQueue } from '../interviewer/queue.ts'
import { captureQueue, signatureOf, WATERMARK_GRACE_MS } from './snapshot.ts'

const SLICE = 2_000

export interface SnapshotterOptions {
  log: SnapshotLog
  logger: Logger
  nodeId: string
  shardIndex: number
  shardCount: number
  /** 0: only at shutdown. */
  intervalMs: number
  queues: () => Iterable<InterviewerQueue>
}

export class Snapshotter {
  #o: SnapshotterOptions
  #timer: NodeJS.Timeout | null = null
  #running: Promise<number> | null = null
  /** Signature of each interviewer as last written; empty at start, so the first run writes all. */
  #written = new Map<number, string>()
  runs = 0

  constructor(o: SnapshotterOptions) {
    this.#o = o
  }

  start(): void {
    if (this.#o.intervalMs <= 0 || this.#timer) return
    this.#timer = setInterval(() => void this.run('periodic').catch((err: unknown) => this.#o.logger.warn({ err }, 'snapshot run failed')), this.#o.intervalMs)
    this.#timer.unref?.()
  }

  /** Stops the timer and takes the shutdown snapshot (after the committer drained). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    await this.#running?.catch(() => 0)
    await this.run('shutdown').catch((err: unknown) => this.#o.logger.warn({ err }, 'shutdown snapshot failed'))
  }

  /** One run; concurrent callers share the run in progress. Resolves the interviewers written. */
  run(reason: string): Promise<number> {
    if (this.#running) return this.#running
    const p = this.#take(reason).finally(() => {
      this.#running = null
    })
    this.#running = p
    return p
  }

  async #take(reason: string): Promise<number> {
    const snapshots: InterviewerSnapshot[] = []
    const sigs = new Map<number, string>()
    // Rows stamped before the watermark and committed after capture are replayed: see WATERMARK_GRACE_MS.
    let mark = Date.now() - WATERMARK_GRACE_MS
    let n = 0
    for (const q of this.#o.queues()) {
      const { sig, pendingSince } = signatureOf(q)
      if (pendingSince < mark) mark = pendingSince
      if (this.#written.get(q.id) !== sig) {
        snapshots.push(captureQueue(q, Date.now()))
        sigs.set(q.id, sig)
      }
      if (++n % SLICE === 0) await new Promise((r) => setImmediate(r))
    }
    const { nodeId, shardIndex, shardCount } = this.#o
    await this.#o.log.saveSnapshots({ node_id: nodeId, shard_index: shardIndex, shard_count: shardCount, reason, watermark: new Date(mark).toISOString(), snapshots })
    for (const [id, sig] of sigs) this.#written.set(id, sig)
    this.runs++
    return snapshots.length
  }
}
