// The server assembled: store → migrations → demo seed → bus → engine → gateway, and the reverse
// on stop. main.ts only adds process concerns (signals, exit codes, the start-up banner).
import { createBus, createEngine } from '../actors/index.ts'
import type { Bus } from '../actors/bus/types.ts'
import type { RoutingEngine } from '../actors/engine.ts'
import type { Config } from './config.ts'
import type { Logger } from './log.ts'
import { createGateway, type Gateway } from './gateway/index.ts'
import { seedIfEmpty } from './seed/index.ts'
import { createStore, type Store } from './store/index.ts'
import { RouteTimings } from './metrics/route-timings.ts'

export interface App {
  start(): Promise<{ port: number; seeded: boolean; store: string; bus: string }>
  /** Stops accepting, drains in-flight requests, flushes commits, closes bus and store. */
  stop(): Promise<void>
}

export function createApp(config: Config, log: Logger): App {
  let store: Store | null = null
  let bus: Bus | null = null
  let engine: RoutingEngine | null = null
  let gateway: Gateway | null = null

  return {
    async start() {
      store = await createStore({ databaseUrl: config.DATABASE_URL || undefined, dataDir: config.DATA_DIR, log: log.child({ mod: 'store' }) })
      const { applied } = await store.migrate()
      if (applied.length) log.info({ applied }, 'migrations applied')
      const seeded = config.SEED_ON_EMPTY ? (await seedIfEmpty(store, log.child({ mod: 'seed' }))) !== null : false
      bus = await createBus({ natsUrl: config.NATS_URL || undefined, name: config.NODE_ID, log: log.child({ mod: 'bus' }) })
      const timings = new RouteTimings()
      engine = createEngine({ config, bus, store, log: log.child({ mod: 'engine' }), stages: timings, onRoute: timings.finished })
      await engine.start()
      gateway = createGateway({ config, engine, store, busKind: bus.kind, log: log.child({ mod: 'gateway' }), timings })
      const port = await gateway.listen()
      return { port, seeded, store: `${store.kind} ${store.location}`, bus: bus.kind }
    },

    async stop() {
      // Each step runs even if an earlier one failed: a half-started app must still release what it holds.
      const steps: [string, (() => Promise<void>) | null][] = [
        ['gateway', gateway ? () => gateway!.stop() : null],
        ['engine', engine ? () => engine!.stop() : null],
        ['bus', bus ? () => bus!.close() : null],
        ['store', store ? () => store!.close() : null],
      ]
      for (const [name, step] of steps) {
        if (!step) continue
        try {
          await step()
        } catch (err) {
          log.error({ err }, `stopping ${name} failed`)
        }
      }
      gateway = null
      engine = null
      bus = null
      store = null
    },
  }
}
