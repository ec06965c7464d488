// The coordination fabric behind one small interface: in-process (default) or NATS.
// Both implementations keep NATS subject semantics: dot-separated tokens, `*` matches one token,
// `>` matches the rest, queue groups deliver each message to one member, delivery is asynchronous.

export interface BusMsg {
  subject: string
  data: Uint8Array
  /** Inbox subject to answer on, when the sender expects a reply. */
  reply?: string
  /** In-process only: the message object itself, passed by reference (data is then empty). */
  value?: unknown
}

export type BusHandler = (msg: BusMsg) => void

export interface BusSubscription {
  unsubscribe(): void
}

export interface Bus {
  readonly kind: 'local' | 'nats'
  publish(subject: string, data: Uint8Array, reply?: string): void
  /**
   * In-process only (absent on NATS): delivers `value` by reference as `msg.value`, skipping the
   * encode/decode round trip. Sender and receivers must treat the object as read-only.
   */
  publishValue?(subject: string, value: unknown, reply?: string): void
  subscribe(subject: string, handler: BusHandler, opts?: { queue?: string }): BusSubscription
  /** A fresh unique inbox prefix for this connection (`_INBOX.<id>`). */
  newInbox(): string
  /** Resolves when everything published so far has reached the server (no-op in-process). */
  flush(): Promise<void>
  close(): Promise<void>
}
