// The coordination fabric behind one small interface: in-process (default) or NATS.
// Both implementations keep NATS subject semantics: dot-separated tokens, `*` matches one token,
// `>` matches the rest, queue groups deliver each message to one member, delivery is asynchronous.

export interface BusMsg {
  subject: string
  data: Uint8Array
  /** Inbox subject to answer on, when the sender expects a reply. */
  reply?: string
}

export type BusHandler = (msg: BusMsg) => void

export interface BusSubscription {
  unsubscribe(): void
}

export interface Bus {
  readonly kind: 'local' | 'nats'
  publish(subject: string, data: Uint8Array, reply?: string): void
  subscribe(subject: string, handler: BusHandler, opts?: { queue?: string }): BusSubscription
  /** A fresh unique inbox prefix for this connection (`_INBOX.<id>`). */
  newInbox(): string
  /** Resolves when everything published so far has reached the server (no-op in-process). */
  flush(): Promise<void>
  close(): Promise<void>
}
