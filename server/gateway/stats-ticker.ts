// Pushes the `stats` stream once a second: folds the engine's decision and assignment events into a
// StatsWindow and, when anyone subscribed, adds the queue totals and hands the event to the push hub.
import type { RoutingEngine } from '../../actors/engine.ts'
import { StatsWindow } from '../../actors/stats/window.ts'
import type { StatsEvent } from '../../client/protocol.ts'
import type { Logger } from '../log.ts'
import type { PushHub } from './pushes.ts'

const INTERVAL_MS = 1000

export class StatsTicker {
  readonly #window = new StatsWindow()
  readonly #unlisten: (() => void)[]
  readonly #timer: NodeJS.Timeout
  #last = Date.now()
  #busy = false

  constructor(engine: RoutingEngine, hub: PushHub, nodeId: string, log: Logger) {
    this.#unlisten = [engine.onDecision((e) => this.#window.decision(e)), engine.onAssignment((e) => this.#window.assignment(e))]
    this.#timer = setInterval(() => {
      // A tick still waiting for the queue totals (a slow cluster) is not overlapped: the window keeps filling.
      if (this.#busy) return
      const now = Date.now()
      const windowS = (now - this.#last) / 1000
      if (!hub.statsWanted) {
        this.#window.take(windowS, EMPTY, nodeId, new Date(now))
        this.#last = now
        return
      }
      this.#busy = true
      Promise.all([engine.state(), engine.stats()])
        .then(([all, stats]) => {
          const queue = { interviewers: all.length, online: 0, current_queue: 0, capacity: 0, held: stats.held.size }
          for (const s of all) {
            if (s.availability === 'online') queue.online++
            queue.current_queue += s.current_queue
            queue.capacity += s.capacity
          }
          const at = Date.now()
          hub.stats(this.#window.take((at - this.#last) / 1000, queue, nodeId, new Date(at)))
          this.#last = at
        })
        .catch((err: unknown) => log.warn({ err }, 'stats tick: queue totals unavailable'))
        .finally(() => {
          this.#busy = false
        })
    }, INTERVAL_MS)
    this.#timer.unref()
  }

  dispose(): void {
    clearInterval(this.#timer)
    for (const off of this.#unlisten) off()
  }
}

const EMPTY: StatsEvent['queue'] = { interviewers: 0, online: 0, current_queue: 0, capacity: 0, held: 0 }
