// Actor runtime: a bounded mailbox processed one message at a time, with supervision wrapped in
// once at registration, so a throwing handler becomes a typed, logged failure and the actor
// restarts from its persisted state without losing the messages still in its mailbox.
import type { Logger } from '../ports.ts'

export interface ActorMessage {
  type: string
}

/** A handler failure as logged: which actor, which message, why. */
export class ActorFailure extends Error {
  readonly code = 'actor_failure'
  constructor(
    readonly actor: string,
    readonly message_type: string,
    cause: unknown,
  ) {
    super(`actor ${actor} failed on ${message_type}`, { cause })
    this.name = 'ActorFailure'
  }
}

export interface ActorOptions<M extends ActorMessage, O = unknown> {
  name: string
  /** Most messages waiting; tell() beyond it answers false (the caller replies `unavailable`). */
  limit: number
  handle?: (msg: M) => void | Promise<void>
  /** Rebuilds the actor's state from what is persisted; messages wait meanwhile. */
  restart?: (failure: ActorFailure) => Promise<void>
  /**
   * Instead of handle / restart closures: functions shared by many actors, called with `owner`.
   * At 100k actors two closures each are tens of MB of heap (every GC marks them).
   */
  owner?: O
  handleWith?: (owner: O, msg: M) => void | Promise<void>
  restartWith?: (owner: O, failure: ActorFailure) => Promise<void>
  log?: Logger
  onFailure?: (failure: ActorFailure) => void
}

export class Actor<M extends ActorMessage, O = unknown> {
  readonly name: string
  #opts: ActorOptions<M, O>
  // Index-advancing queue: shift() on a long array is O(n). The array is reused once drained: an
  // actor gets a message now and then, and a fresh array per message would outlive young GCs.
  #queue: (M | undefined)[] = []
  #head = 0
  #tail = 0
  #running = false
  #restarting = false
  #failures = 0

  constructor(opts: ActorOptions<M, O>) {
    this.name = opts.name
    this.#opts = opts
  }

  get pending(): number {
    return this.#tail - this.#head
  }

  get failures(): number {
    return this.#failures
  }

  /**
   * Queues a message; false when the mailbox is full (nothing was queued). `force` skips the
   * limit, for an actor's own continuations (a persisted commit) that must never be dropped.
   */
  tell(msg: M, force = false): boolean {
    if (!force && this.pending >= this.#opts.limit) return false
    if (this.#tail < this.#queue.length) this.#queue[this.#tail] = msg
    else this.#queue.push(msg)
    this.#tail++
    if (!this.#running && !this.#restarting) this.#run()
    return true
  }

  #run(): void {
    this.#running = true
    while (this.#head < this.#tail && !this.#restarting) {
      const msg = this.#queue[this.#head] as M
      this.#queue[this.#head] = undefined
      this.#head++
      let out: void | Promise<void>
      try {
        const o = this.#opts
        out = o.handleWith !== undefined ? o.handleWith(o.owner as O, msg) : (o.handle as (msg: M) => void | Promise<void>)(msg)
      } catch (err) {
        this.#fail(msg, err)
        continue
      }
      if (out instanceof Promise) {
        out.then(
          () => this.#resume(),
          (err: unknown) => {
            this.#fail(msg, err)
            this.#resume()
          },
        )
        return
      }
    }
    this.#compact()
    this.#running = false
  }

  #resume(): void {
    this.#running = false
    if (!this.#restarting && this.#head < this.#tail) this.#run()
    else this.#compact()
  }

  #compact(): void {
    if (this.#head === this.#tail) {
      // Drained: start over in the same array (a burst's big array is let go).
      if (this.#queue.length > 1024) this.#queue = []
      this.#head = 0
      this.#tail = 0
    } else if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head, this.#tail)
      this.#tail -= this.#head
      this.#head = 0
    }
  }

  #fail(msg: M, cause: unknown): void {
    this.#failures++
    const failure = new ActorFailure(this.name, msg.type, cause)
    this.#opts.log?.error({ actor: this.name, message_type: msg.type, err: cause }, 'actor handler failed')
    this.#opts.onFailure?.(failure)
    const o = this.#opts
    if (!o.restart && !o.restartWith) return
    this.#restarting = true
    const restarting = o.restartWith ? o.restartWith(o.owner as O, failure) : (o.restart as (f: ActorFailure) => Promise<void>)(failure)
    restarting
      .catch((err: unknown) => this.#opts.log?.error({ actor: this.name, err }, 'actor restart failed'))
      .finally(() => {
        this.#restarting = false
        if (!this.#running && this.#head < this.#tail) this.#run()
      })
  }
}
