// One shard's lease as its holder sees it: taken, renewed, lost. The holder serves the shard only
// while its own monotonic clock says the last renewal is younger than ttl - margin (self-fencing):
// the store's TTL runs on another clock, so the holder stops first, before anyone else may take it.

export type LeaseState = 'idle' | 'held' | 'fenced'

export class ShardLease {
  readonly #ttlMs: number
  readonly #marginMs: number
  #state: LeaseState = 'idle'
  #renewedAt = 0
  #epoch = 0

  constructor(ttlMs: number, marginMs: number) {
    if (!(ttlMs > 0) || !(marginMs >= 0) || marginMs >= ttlMs) throw new RangeError('lease needs ttlMs > marginMs >= 0')
    this.#ttlMs = ttlMs
    this.#marginMs = marginMs
  }

  get state(): LeaseState {
    return this.#state
  }

  get epoch(): number {
    return this.#epoch
  }

  /** The lease was taken (create or CAS won) at `now` under fencing epoch `epoch`. */
  taken(now: number, epoch: number): void {
    this.#state = 'held'
    this.#renewedAt = now
    this.#epoch = epoch
  }

  /** A renewal succeeded; `sentAt` is when it was sent (the store's TTL started no earlier). */
  renewed(sentAt: number): void {
    if (this.#state !== 'held') return
    this.#renewedAt = Math.max(this.#renewedAt, sentAt)
  }

  /** A renewal or a fenced write was refused: someone else holds the shard now. */
  lost(): void {
    this.#state = 'fenced'
  }

  released(): void {
    this.#state = 'idle'
  }

  /** Whether this node may serve (bid for, write) the shard at `now`. Going stale fences it. */
  serving(now: number): boolean {
    if (this.#state !== 'held') return false
    if (now - this.#renewedAt < this.#ttlMs - this.#marginMs) return true
    this.#state = 'fenced'
    return false
  }

  /** When the next renewal is due: a third of the TTL after the last one. */
  renewDue(): number {
    return this.#renewedAt + this.#ttlMs / 3
  }
}
