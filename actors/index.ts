// The actors package, public surface: bus factory, engine factory, and the pure modules (scoring,
// interviewer queue state machine) for tests and benchmarks.
import type { EngineConfig, Logger, AssignmentLog, Directory, HeldLog, WeightsStore, StageObserver } from './ports.ts'
import type { Bus } from './bus/types.ts'
import type { RoutingEngine } from './engine.ts'
import type { FinishedRoute } from './router/route.ts'
import { Engine } from './engine/engine.ts'

export { createBus, LocalBus, NatsBus } from './bus/index.ts'
export type { Bus, BusHandler, BusMsg, BusSubscription } from './bus/types.ts'
export { EngineError } from './engine.ts'
export type { EngineConfig, Logger } from './ports.ts'
export type { FinishedRoute } from './router/route.ts'
export type { RoutingEngine, RemoteBidder, CompleteResult, CancelResult, EngineStats } from './engine.ts'
export { Engine } from './engine/engine.ts'
export { InterviewerQueue, type Refusal } from './interviewer/queue.ts'
export * from './scoring/index.ts'
export { GroupCommitter, CommitError } from './commit/committer.ts'
export { Actor, ActorFailure } from './runtime/actor.ts'

export function createEngine(opts: {
  config: EngineConfig
  bus: Bus
  store: Directory & AssignmentLog & WeightsStore & HeldLog
  log: Logger
  /** Most candidates a shard host scores per request; default 64. */
  scanLimit?: number
  /** Every route once final: its phase path and stage times (user lookup, scatter→gather). */
  onRoute?: (route: FinishedRoute) => void
  /** Where the group committer's timings go (commit wait, commit). */
  stages?: StageObserver
}): RoutingEngine {
  return new Engine(opts)
}
