// Bus factory: NATS when a URL is given, else the in-process bus.
import type { Logger } from '../ports.ts'
import type { Bus } from './types.ts'
import { LocalBus } from './local.ts'
import { NatsBus } from './nats.ts'

export type { Bus } from './types.ts'
export { LocalBus } from './local.ts'
export { NatsBus } from './nats.ts'

export async function createBus(opts: { natsUrl?: string; name?: string; log?: Logger } = {}): Promise<Bus> {
  const onError = (err: unknown, subject: string): void => {
    opts.log?.error({ err, subject }, 'bus handler failed')
  }
  if (opts.natsUrl) return NatsBus.connect({ url: opts.natsUrl, name: opts.name, onError })
  return new LocalBus({ onError })
}
