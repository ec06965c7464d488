// How long routes take, stage by stage and in total, as the two histograms /metrics serves:
// route_stage_seconds{stage} and route_seconds. The engine and the gateway feed it through the
// StageObserver port (actors/ports.ts), so actors/ never sees prom-client.
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

  /** One whole route, from its request's arrival (`at`, performance.now()) to its reply written (`end`). */
  route(at: number, end: number): void {
    this.routes.record(0, (end - at) / 1000)
  }
}
