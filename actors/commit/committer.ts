// Group commit: many assignments, transitions and decisions per transaction, flushed when the batch
// reaches maxBatch items or maxDelayMs after its first item. Each caller's promise settles only
// after its batch is committed (or failed), so an acknowledgement always means durable.
import type { AssignmentLog, AssignmentTransition, CommitBatch, DecisionRecord } from '../ports.ts'
import type { Assignment } from '../model/types.ts'

export interface CommitItem {
  assignments?: Assignment[]
  transitions?: AssignmentTransition[]
  decisions?: DecisionRecord[]
}

/** `conflict`: the item's request_id was already committed; nothing of it was written. */
export type CommitOutcome = 'ok' | 'conflict'

export class CommitError extends Error {
  readonly code = 'unavailable'
  constructor(cause: unknown) {
    super('commit failed', { cause })
    this.name = 'CommitError'
  }
}

interface Waiter {
  requestIds: string[] | null
  resolve: (o: CommitOutcome) => void
  reject: (e: unknown) => void
}

export interface CommitterOptions {
  log: Pick<AssignmentLog, 'commit'>
  maxBatch: number
  maxDelayMs: number
  /** Batches committing at once (default 4, within the store's pool); later items wait for a slot. */
  maxInflight?: number
}

export class GroupCommitter {
  #opts: CommitterOptions
  #batch: CommitBatch = emptyBatch()
  #waiters: Waiter[] = []
  #items = 0
  #timer: NodeJS.Timeout | null = null
  #inflight = 0
  #idle: (() => void)[] = []
  #stats = { batches: 0, items: 0, failures: 0 }

  constructor(opts: CommitterOptions) {
    this.#opts = opts
  }

  get stats(): { batches: number; items: number; failures: number } {
    return { ...this.#stats }
  }

  add(item: CommitItem): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      const b = this.#batch
      let requestIds: string[] | null = null
      if (item.assignments) for (const a of item.assignments) b.assignments.push(a)
      if (item.transitions) for (const t of item.transitions) b.transitions.push(t)
      if (item.decisions) {
        for (const d of item.decisions) {
          b.decisions.push(d)
          if (d.request_id) (requestIds ??= []).push(d.request_id)
        }
      }
      this.#waiters.push({ requestIds, resolve, reject })
      this.#items++
      if (this.#items >= this.#opts.maxBatch) this.#flushSoon(true)
      else this.#flushSoon(false)
    })
  }

  /** Commits everything queued so far and waits for every batch in flight. */
  async drain(): Promise<void> {
    if (this.#items > 0) this.#flushSoon(true)
    while (this.#inflight > 0 || this.#items > 0) {
      await new Promise<void>((r) => this.#idle.push(r))
      if (this.#items > 0 && this.#inflight === 0) this.#flushSoon(true)
    }
  }

  #flushSoon(now: boolean): void {
    if (now || this.#opts.maxDelayMs <= 0) {
      if (this.#timer) {
        clearTimeout(this.#timer)
        this.#timer = null
      }
      this.#flush()
      return
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = null
      this.#flush()
    }, this.#opts.maxDelayMs)
  }

  #flush(): void {
    if (this.#items === 0) return
    if (this.#inflight >= (this.#opts.maxInflight ?? 4)) return
    const batch = this.#batch
    const waiters = this.#waiters
    this.#batch = emptyBatch()
    this.#waiters = []
    this.#items = 0
    this.#inflight++
    this.#stats.batches++
    this.#stats.items += waiters.length
    let p: Promise<unknown>
    try {
      p = this.#opts.log.commit(batch)
    } catch (err) {
      p = Promise.reject(err)
    }
    p.then(
      (res) => {
        const conflicts = conflictSet(res)
        for (const w of waiters) {
          const hit = conflicts !== null && w.requestIds !== null && w.requestIds.some((id) => conflicts.has(id))
          w.resolve(hit ? 'conflict' : 'ok')
        }
      },
      (err: unknown) => {
        this.#stats.failures++
        const e = new CommitError(err)
        for (const w of waiters) w.reject(e)
      },
    ).finally(() => {
      this.#inflight--
      // Items that piled up while every slot was busy go out now, as one bigger batch.
      if (this.#items > 0) this.#flushSoon(this.#items >= this.#opts.maxBatch || this.#timer === null)
      if (this.#inflight === 0) for (const r of this.#idle.splice(0)) r()
    })
  }
}

function emptyBatch(): CommitBatch {
  return { assignments: [], transitions: [], decisions: [] }
}

function conflictSet(res: unknown): Set<string> | null {
  if (typeof res !== 'object' || res === null || !('conflicts' in res)) return null
  const c = (res as { conflicts: unknown }).conflicts
  return Array.isArray(c) && c.length > 0 ? new Set(c.filter((x): x is string => typeof x === 'string')) : null
}
