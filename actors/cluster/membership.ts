// The membership view from node heartbeats: a node is live while its last beat is at most
// `missedBeats` intervals old on this node's monotonic clock, and dead after that.

export interface MembershipOptions {
  intervalMs: number
  /** Beats a node may miss before it counts as dead. */
  missedBeats: number
}

export class Membership {
  readonly #limitMs: number
  readonly #last = new Map<string, number>()
  readonly #firstSeen = new Map<string, number>()

  constructor(o: MembershipOptions) {
    if (!(o.intervalMs > 0) || !Number.isSafeInteger(o.missedBeats) || o.missedBeats < 1) throw new RangeError('intervalMs must be > 0 and missedBeats a positive integer')
    this.#limitMs = o.intervalMs * o.missedBeats
  }

  /** A heartbeat from `node` arrived at `now`. */
  beat(node: string, now: number): void {
    if (!this.#firstSeen.has(node) || !this.#alive(node, now)) this.#firstSeen.set(node, now)
    this.#last.set(node, now)
  }

  /** The node said it leaves (graceful shutdown): dead at once. */
  left(node: string): void {
    this.#last.delete(node)
    this.#firstSeen.delete(node)
  }

  /** Live nodes, sorted. */
  live(now: number): string[] {
    const out: string[] = []
    for (const n of this.#last.keys()) if (this.#alive(n, now)) out.push(n)
    return out.sort()
  }

  /** How long the node has been continuously live (0 when dead or unknown). */
  upFor(node: string, now: number): number {
    if (!this.#alive(node, now)) return 0
    return now - this.#firstSeen.get(node)!
  }

  #alive(node: string, now: number): boolean {
    const t = this.#last.get(node)
    return t !== undefined && now - t <= this.#limitMs
  }
}
