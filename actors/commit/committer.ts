// Group commit: many assignments, transitions and decisions per transaction. Natural group commit:
// with no batch in flight the items of one event-loop turn go out at once (setImmediate); while
// batches are in flight items accumulate and go out when a slot frees, or maxDelayMs after the
// first (an upper bound, used only while a slot is free). A batch holds at most maxBatch items;
// more form the next batches, committed in order, so a burst becomes a stream of bounded batches
// rather than one huge one that keeps everyone waiting. Each caller's promise settles only after
// its batch is committed (or failed), so an acknowledgement always means durable.
import type { AssignmentLog, AssignmentTransition, CommitBatch, DecisionRecord, InterviewEndRow, StageObserver } from '../ports.ts'
import type { Assignment } from '../model/types.ts'

export interface CommitItem {
  assignments?: Assignment[]
  transitions?: AssignmentTransition[]
  decisions?: DecisionRecord[]
  /** History rows of interviews ended by this item's transitions (same transaction). */
  interviews?: InterviewEndRow[]
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
  /** performance.now() when a route's item (one with decisions) was added; -1 for other items. */
  at: number
  resolve: (o: CommitOutcome) => void
  reject: (e: unknown) => void
}

export interface CommitterOptions {
  /**
   * `commitSlots`: how many commits the store runs side by side (a pool's size; 2 for an embedded
   * database that runs one statement at a time: the second waits in its queue, so the database
   * starts it the moment the first ends). Used when maxInflight is not given.
   */
  log: Pick<AssignmentLog, 'commit'> & { readonly commitSlots?: number }
  maxBatch: number
  maxDelayMs: number
  /** Batches committing at once (default: the store's commitSlots, else 4); later items wait for a slot. */
  maxInflight?: number
  /** Times the routes' items (those carrying decisions): waiting for their batch, and its commit. */
  stages?: StageObserver
}

/** A batch being formed: at most maxBatch items, flushed in the order formed. */
interface Forming {
  batch: CommitBatch
  /** Assignment ids with a transition in this batch. */
  ids: Set<string>
  waiters: Waiter[]
}

export class GroupCommitter {
  #opts: CommitterOptions
  /** Batches waiting for a slot, oldest first; the last one takes new items until it is full. */
  #queue: Forming[] = [forming()]
  /** Items in #queue. */
  #items = 0
  /** Assignment ids with a transition in a batch being committed (how many batches). */
  #inflightIds = new Map<string, number>()
  #timer: NodeJS.Timeout | null = null
  #immediate: NodeJS.Immediate | null = null
  #inflight = 0
  #idle: (() => void)[] = []
  #stats = { batches: 0, items: 0, failures: 0 }

  readonly #slots: number
  readonly #maxBatch: number

  constructor(opts: CommitterOptions) {
    this.#opts = opts
    this.#slots = Math.max(1, opts.maxInflight ?? opts.log.commitSlots ?? 4)
    this.#maxBatch = Math.max(1, opts.maxBatch)
  }

  get stats(): { batches: number; items: number; failures: number } {
    return { ...this.#stats }
  }

  add(item: CommitItem): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      let f = this.#queue[this.#queue.length - 1] as Forming
      if (f.waiters.length >= this.#maxBatch) this.#queue.push((f = forming()))
      const b = f.batch
      let requestIds: string[] | null = null
      if (item.assignments) for (const a of item.assignments) b.assignments.push(a)
      if (item.transitions) {
        for (const t of item.transitions) {
          b.transitions.push(t)
          f.ids.add(t.id)
        }
      }
      if (item.interviews) for (const r of item.interviews) (b.interviews ??= []).push(r)
      if (item.decisions) {
        for (const d of item.decisions) {
          b.decisions.push(d)
          if (d.request_id) (requestIds ??= []).push(d.request_id)
        }
      }
      f.waiters.push({ requestIds, at: item.decisions && this.#opts.stages ? performance.now() : -1, resolve, reject })
      this.#items++
      this.#flushSoon(f.waiters.length >= this.#maxBatch)
    })
  }

  /** Items waiting for a batch (not yet handed to the store). */
  get pending(): number {
    return this.#items
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
      this.#flush()
      return
    }
    // Nothing committing: no reason to wait beyond this turn of the event loop.
    if (this.#inflight === 0) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = null
        this.#flush()
      })
      return
    }
    // Batches in flight: accumulate; the next completion flushes, maxDelayMs bounds the wait.
    this.#timer ??= setTimeout(() => {
      this.#timer = null
      this.#flush()
    }, this.#opts.maxDelayMs)
  }

  /** Hands queued batches to the store, oldest first, while slots are free. */
  #flush(): void {
    while (this.#items > 0 && this.#inflight < this.#slots) {
      const f = this.#queue[0] as Forming
      // Batches commit concurrently, so two transitions of one assignment (a promotion to active,
      // then its completion) must not be in flight at once: the later could land first. Such a
      // batch (and every later one) waits for the earlier; its completion flushes again.
      for (const id of f.ids) if (this.#inflightIds.has(id)) return
      this.#queue.shift()
      if (this.#queue.length === 0) this.#queue.push(forming())
      this.#items -= f.waiters.length
      if (this.#items === 0) this.#clearTimers()
      this.#send(f)
    }
  }

  #clearTimers(): void {
    if (this.#timer) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    if (this.#immediate) {
      clearImmediate(this.#immediate)
      this.#immediate = null
    }
  }

  #send(f: Forming): void {
    const { batch, ids, waiters } = f
    for (const id of ids) this.#inflightIds.set(id, (this.#inflightIds.get(id) ?? 0) + 1)
    this.#inflight++
    this.#stats.batches++
    this.#stats.items += waiters.length
    const sent = this.#opts.stages ? performance.now() : 0
    let p: Promise<unknown>
    try {
      p = this.#opts.log.commit(batch)
    } catch (err) {
      p = Promise.reject(err)
    }
    // The next batch goes to the store before this one's callers hear back: their continuations
    // (replies, actor messages) then run while the store works, instead of leaving it idle.
    const settled = (): void => {
      this.#inflight--
      for (const id of ids) {
        const n = (this.#inflightIds.get(id) ?? 1) - 1
        if (n <= 0) this.#inflightIds.delete(id)
        else this.#inflightIds.set(id, n)
      }
      // Items that piled up while this batch committed go out now.
      this.#flush()
    }
    p.then(
      (res) => {
        if (this.#opts.stages) this.#timed(waiters, sent)
        settled()
        const conflicts = conflictSet(res)
        for (const w of waiters) {
          const hit = conflicts && w.requestIds?.some((id) => conflicts.has(id))
          w.resolve(hit ? 'conflict' : 'ok')
        }
      },
      (err: unknown) => {
        settled()
        this.#stats.failures++
        const e = new CommitError(err)
        for (const w of waiters) w.reject(e)
      },
    ).finally(() => {
      if (this.#inflight === 0) for (const r of this.#idle.splice(0)) r()
    })
  }

  #timed(waiters: Waiter[], sent: number): void {
    const stages = this.#opts.stages as StageObserver
    const commit = performance.now() - sent
    for (const w of waiters) {
      if (w.at < 0) continue
      stages.observe('commit_wait', sent - w.at)
      stages.observe('commit', commit)
    }
  }
}

function forming(): Forming {
  return { batch: emptyBatch(), ids: new Set(), waiters: [] }
}

function emptyBatch(): CommitBatch {
  return { assignments: [], transitions: [], decisions: [] }
}

function conflictSet(res: unknown): Set<string> | null {
  if (typeof res !== 'object' || res === null || !('conflicts' in res)) return null
  const c = (res as { conflicts: unknown }).conflicts
  return Array.isArray(c) && c.length > 0 ? new Set(c.filter((x): x is string => typeof x === 'string')) : null
}
