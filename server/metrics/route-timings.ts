// How long routes take, stage by stage and in total, as the two histograms /metrics serves:
// route_stage_seconds{stage} and route_seconds. The gateway and the group committer feed it through
// the StageObserver port (actors/ports.ts), the router through each finished route's StageTimes
// (the engine's onRoute), so actors/ never sees prom-client.
import type { FinishedRoute } from '../../actors/index.ts'
import { ROUTE_STAGES, type RouteStage, type StageObserver } from '../../actors/ports.ts'
import { FastHistogram } from './histogram.ts'

const INDEX = Object.fromEntries(ROUTE_STAGES.map((s, i) => [s, i])) as Record<RouteStage, number>

export class RouteTimings implements StageObserver {
  readonly stages = new FastHistogram({
    name: 'route_stage_seconds',
    help: `Time one route spent in each stage (${ROUTE_STAGES.join(', ')}), in seconds.`,
    label: 'stage',
    values: ROUTE_STAGES,
  })
  readonly routes = new FastHistogram({
    name: 'route_seconds',
    help: 'Time from a route request reaching the gateway to its reply being written, in seconds.',
    label: null,
  })

  observe(stage: RouteStage, ms: number): void {
    this.stages.record(INDEX[stage], ms / 1000)
  }

  /**
   * A route the router finished (the engine's onRoute): its user lookup (0 when cached) and, when it
   * was scored, its scatter→gather (summed over re-scoring rounds). Its commit stages come from the
   * group committer, which sees the wait for a batch and the transaction (the router sees only
   * the round trip to the owning host).
   */
  readonly finished = (r: FinishedRoute): void => {
    this.stages.record(INDEX.user_lookup, r.times.user_ms / 1000)
    if (r.path.includes('scoring')) this.stages.record(INDEX.scatter_gather, r.times.gather_ms / 1000)
  }

  /** One whole route, from its request's arrival (`at`, performance.now()) to its reply written (`end`). */
  route(at: number, end: number): void {
    this.routes.record(0, (end - at) / 1000)
  }
}
