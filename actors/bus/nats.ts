// NATS implementation of the Bus: one connection, callback subscriptions (no async iterators on the
// hot path), the same subject semantics as the in-process bus.
import { connect, createInbox, type NatsConnection, type Subscription } from 'nats'
import type { Bus, BusHandler, BusSubscription } from './types.ts'

export class NatsBus implements Bus {
  readonly kind = 'nats' as const
  #nc: NatsConnection
  #onError: (err: unknown, subject: string) => void

  private constructor(nc: NatsConnection, onError: (err: unknown, subject: string) => void) {
    this.#nc = nc
    this.#onError = onError
  }

  static async connect(opts: { url: string; name?: string; onError?: (err: unknown, subject: string) => void }): Promise<NatsBus> {
    const nc = await connect({ servers: opts.url, name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 500 })
    return new NatsBus(nc, opts.onError ?? (() => {}))
  }

  get connection(): NatsConnection {
    return this.#nc
  }

  publish(subject: string, data: Uint8Array, reply?: string): void {
    this.#nc.publish(subject, data, reply === undefined ? undefined : { reply })
  }

  subscribe(subject: string, handler: BusHandler, opts: { queue?: string } = {}): BusSubscription {
    const sub: Subscription = this.#nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, msg) => {
        if (err) {
          this.#onError(err, subject)
          return
        }
        // "No responders" (503) status messages answer a request nobody subscribed to; the Bus
        // contract has no such thing, and a missing answer is what a gather's deadline is for.
        if (msg.headers?.code === 503) return
        try {
          handler(msg.reply ? { subject: msg.subject, data: msg.data, reply: msg.reply } : { subject: msg.subject, data: msg.data })
        } catch (e) {
          this.#onError(e, msg.subject)
        }
      },
    })
    return { unsubscribe: () => sub.unsubscribe() }
  }

  newInbox(): string {
    return createInbox()
  }

  async flush(): Promise<void> {
    await this.#nc.flush()
  }

  async close(): Promise<void> {
    if (this.#nc.isClosed()) return
    await this.#nc.drain().catch(() => this.#nc.close())
  }
}
