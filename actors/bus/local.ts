// In-process bus with NATS subject semantics: asynchronous delivery, wildcards, queue groups.
// Delivery is batched per event-loop turn (setImmediate) so bursts of messages cost one turn and
// timers and I/O are never starved by a ping-pong of replies.
import type { Bus, BusHandler, BusMsg, BusSubscription } from './types.ts'
import { hasWildcard, isValidSubject, subjectMatches } from './subjects.ts'

interface Sub {
  pattern: string
  /** For `a.b.*` patterns: `a.b.`, matched without splitting (inbox replies take this path). */
  starPrefix: string | null
  handler: BusHandler
  queue: string | undefined
  live: boolean
}

export class BusClosedError extends Error {
  readonly code = 'unavailable'
  constructor() {
    super('bus is closed')
    this.name = 'BusClosedError'
  }
}

let inboxSeq = 0
const EMPTY = new Uint8Array(0)

export class LocalBus implements Bus {
  readonly kind = 'local' as const
  #exact = new Map<string, Sub[]>()
  #wild: Sub[] = []
  #queue: BusMsg[] = []
  #scheduled = false
  #closed = false
  #rr = new Map<string, number>()
  #version = 0
  #onError: (err: unknown, subject: string) => void

  constructor(opts: { onError?: (err: unknown, subject: string) => void } = {}) {
    this.#onError = opts.onError ?? (() => {})
  }

  publish(subject: string, data: Uint8Array, reply?: string): void {
    if (this.#closed) throw new BusClosedError()
    this.#queue.push(reply === undefined ? { subject, data } : { subject, data, reply })
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(this.#drain)
    }
  }

  publishValue(subject: string, value: unknown, reply?: string): void {
    if (this.#closed) throw new BusClosedError()
    this.#queue.push(reply === undefined ? { subject, data: EMPTY, value } : { subject, data: EMPTY, reply, value })
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(this.#drain)
    }
  }

  subscribe(subject: string, handler: BusHandler, opts: { queue?: string } = {}): BusSubscription {
    if (this.#closed) throw new BusClosedError()
    if (!isValidSubject(subject)) throw new Error(`invalid subject ${JSON.stringify(subject)}`)
    const sub: Sub = { pattern: subject, starPrefix: starPrefixOf(subject), handler, queue: opts.queue, live: true }
    this.#version++
    if (hasWildcard(subject)) this.#wild.push(sub)
    else {
      const list = this.#exact.get(subject)
      if (list) list.push(sub)
      else this.#exact.set(subject, [sub])
    }
    return {
      unsubscribe: () => {
        if (!sub.live) return
        sub.live = false
        this.#version++
        if (hasWildcard(subject)) this.#wild = this.#wild.filter((s) => s !== sub)
        else {
          const list = this.#exact.get(subject)?.filter((s) => s !== sub) ?? []
          if (list.length) this.#exact.set(subject, list)
          else this.#exact.delete(subject)
        }
      },
    }
  }

  /** Changes whenever a subscription is added or removed (lets callers cache hasSubscribers). */
  subscriptionVersion(): number {
    return this.#version
  }

  newInbox(): string {
    return `_INBOX.local${process.pid}_${++inboxSeq}`
  }

  /** True when some subscription would receive a message on this subject. */
  hasSubscribers(subject: string): boolean {
    if (this.#exact.has(subject)) return true
    for (const s of this.#wild) if (matches(s, subject)) return true
    return false
  }

  /**
   * True when some subscription may match a subject `prefix` + one more token (prefix ends with
   * '.'): the question "could anyone want these events?" asked once per subscription change.
   */
  mayHaveSubscribersUnder(prefix: string): boolean {
    for (const key of this.#exact.keys()) if (key.startsWith(prefix) && key.indexOf('.', prefix.length) < 0) return true
    const head = prefix.slice(0, -1).split('.')
    for (const s of this.#wild) if (mayMatchOneMore(s.pattern.split('.'), head)) return true
    return false
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true
    this.#exact.clear()
    this.#wild = []
    this.#queue = []
  }

  #drain = (): void => {
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    for (let i = 0; i < batch.length; i++) this.#deliver(batch[i])
  }

  #deliver(msg: BusMsg): void {
    const exact = this.#exact.get(msg.subject)
    if (this.#wild.length === 0 && exact && exact.length === 1 && exact[0].queue === undefined) {
      this.#call(exact[0], msg)
      return
    }
    const matched: Sub[] = exact ? exact.slice() : []
    for (const s of this.#wild) if (matches(s, msg.subject)) matched.push(s)
    let groups: Map<string, Sub[]> | undefined
    for (const s of matched) {
      if (s.queue === undefined) this.#call(s, msg)
      else {
        groups ??= new Map()
        const g = groups.get(s.queue)
        if (g) g.push(s)
        else groups.set(s.queue, [s])
      }
    }
    if (groups) {
      for (const [name, members] of groups) {
        const key = `${name}\u0000${msg.subject}`
        const n = (this.#rr.get(key) ?? 0) + 1
        this.#rr.set(key, n)
        this.#call(members[n % members.length], msg)
      }
    }
  }

  #call(sub: Sub, msg: BusMsg): void {
    if (!sub.live) return
    try {
      sub.handler(msg)
    } catch (err) {
      this.#onError(err, msg.subject)
    }
  }
}

function starPrefixOf(pattern: string): string | null {
  if (!pattern.endsWith('.*')) return null
  const head = pattern.slice(0, -1)
  return head.includes('*') || head.includes('>') ? null : head
}

function matches(s: Sub, subject: string): boolean {
  if (s.starPrefix !== null) return subject.length > s.starPrefix.length && subject.startsWith(s.starPrefix) && subject.indexOf('.', s.starPrefix.length) < 0
  return subjectMatches(s.pattern, subject)
}

/** Whether a pattern matches some subject made of `head` tokens and one more token. */
function mayMatchOneMore(p: string[], head: string[]): boolean {
  for (let i = 0; i < p.length; i++) {
    const tok = p[i]
    if (tok === '>') return true
    if (i === head.length) return p.length === head.length + 1
    if (tok !== '*' && tok !== head[i]) return false
  }
  return false
}
