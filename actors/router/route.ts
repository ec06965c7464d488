// One route's state, owned by the router while the route is in flight: an explicit state machine
//   validated → scoring → committing → decided | held | failed
// (a route whose every bid was refused is scored again; committing moves on to the next bid), and the
// time the route spent in each stage, as plain numbers a histogram can take later.
import type { RouteRequest } from '../../client/protocol.ts'
import type { DecisionDraft } from '../model/decision.ts'

export type Phase = 'validated' | 'scoring' | 'committing' | 'decided' | 'held' | 'failed'

/** The phases each phase may move to; decided, held and failed are final. */
const NEXT: Readonly<Record<Phase, readonly Phase[]>> = {
  validated: ['scoring', 'decided', 'held', 'failed'],
  scoring: ['committing', 'scoring', 'decided', 'held', 'failed'],
  committing: ['committing', 'scoring', 'decided', 'held', 'failed'],
  decided: [],
  held: [],
  failed: [],
}

/** Milliseconds a route spent in each stage it went through (0 for a stage it skipped). */
export interface StageTimes {
  /** Looking the user up (0 when cached). */
  user_ms: number
  /** Scatter to the shard hosts until the last bid came in (summed over re-scoring rounds). */
  gather_ms: number
  /** Queued behind this turn's other routes until its commit batch left. */
  commit_wait_ms: number
  /** The commit batch's round trip to the owning host (summed over the bids tried). */
  commit_ms: number
  /** From the route's start to its final phase. */
  total_ms: number
}

export class RouteState {
  phase: Phase = 'validated'
  /** Every phase the route went through, in order. */
  readonly path: Phase[] = ['validated']
  readonly times: StageTimes = { user_ms: 0, gather_ms: 0, commit_wait_ms: 0, commit_ms: 0, total_ms: 0 }
  /** The decision drafted after the first scoring round; null before it (or for an unknown user). */
  draft: DecisionDraft | null = null
  /** Why the route failed, once it has. */
  error: unknown = null

  constructor(
    readonly req: RouteRequest,
    /** performance.now() at the route's start. */
    readonly t0: number,
  ) {}

  /** Moves to `next`; a move the machine does not have is a bug, thrown as one. */
  to(next: Phase): void {
    if (!NEXT[this.phase].includes(next)) throw new Error(`route cannot go from ${this.phase} to ${next}`)
    this.phase = next
    this.path.push(next)
    if (NEXT[next].length === 0) this.times.total_ms = performance.now() - this.t0
  }

  get final(): boolean {
    return NEXT[this.phase].length === 0
  }
}

/** What a route's observer sees once it reached its final phase. */
export type FinishedRoute = Pick<RouteState, 'req' | 'phase' | 'path' | 'times' | 'error'>
