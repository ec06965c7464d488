// Operator events: decisions and assignment lifecycle go to local listeners directly and to the bus
// as JSON (so `nats sub` prints them); events from other nodes come back from the bus.
import type { Bus, BusSubscription } from '../bus/types.ts'
import { LocalBus } from '../bus/local.ts'
import type { AssignmentEvent, DecisionEvent, HeartbeatEvent } from '../../client/protocol.ts'
import type { AssignmentState } from '../../client/model.ts'
import type { Assignment } from '../model/types.ts'
import type { Subjects } from '../bus/subjects.ts'
import { isoNow } from '../runtime/clock.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()

export class EventHub {
  #bus: Bus
  #s: Subjects
  #nodeId: string
  #hostsLocally: (iv: number) => boolean
  #decision = new Set<(e: DecisionEvent) => void>()
  #assignment = new Set<(e: AssignmentEvent) => void>()
  #subs: BusSubscription[] = []
  /** In-process: whether anyone subscribed to decisions / assignment events, as of bus version #seen. */
  #seen = -1
  #decisionsWanted = false
  #assignmentsPossible = false

  constructor(bus: Bus, s: Subjects, nodeId: string, hostsLocally: (iv: number) => boolean) {
    this.#bus = bus
    this.#s = s
    this.#nodeId = nodeId
    this.#hostsLocally = hostsLocally
  }

  /** Subscribes to other nodes' events (only a NATS bus can carry them). */
  start(): void {
    if (this.#bus.kind !== 'nats') return
    this.#subs.push(
      this.#bus.subscribe(this.#s.decisions, (m) => {
        if (this.#decision.size === 0) return
        const e = JSON.parse(dec.decode(m.data)) as DecisionEvent
        if (e.node_id !== this.#nodeId) for (const l of this.#decision) l(e)
      }),
      this.#bus.subscribe(this.#s.assignments('*'), (m) => {
        if (this.#assignment.size === 0) return
        const e = JSON.parse(dec.decode(m.data)) as AssignmentEvent
        if (!this.#hostsLocally(e.interviewer_id)) for (const l of this.#assignment) l(e)
      }),
    )
  }

  stop(): void {
    for (const s of this.#subs.splice(0)) s.unsubscribe()
  }

  /** False when nobody would see a decision event: the router then skips building it. */
  wantsDecisions(): boolean {
    if (this.#decision.size > 0) return true
    const bus = this.#bus
    if (!(bus instanceof LocalBus)) return true
    if (bus.subscriptionVersion() !== this.#seen) this.#refresh(bus)
    return this.#decisionsWanted
  }

  /** Builds and sends an assignment event, unless nobody would see it. */
  assignmentOf(a: Assignment, previous: AssignmentState | null, currentQueue: number): void {
    if (this.#assignment.size === 0 && !this.#assignmentsMaybeWanted(a.interviewer_id)) return
    this.assignment({ type: 'assignment', assignment_id: a.id, interviewer_id: a.interviewer_id, user_id: a.user_id, state: a.state, previous, current_queue: currentQueue, at: isoNow() })
  }

  decision(e: DecisionEvent): void {
    for (const l of this.#decision) safe(l, e)
    if (this.#wanted(this.#s.decisions)) this.#bus.publish(this.#s.decisions, enc.encode(JSON.stringify(e)))
  }

  assignment(e: AssignmentEvent): void {
    for (const l of this.#assignment) safe(l, e)
    const subject = this.#s.assignments(e.interviewer_id)
    if (this.#wanted(subject)) this.#bus.publish(subject, enc.encode(JSON.stringify(e)))
  }

  heartbeat(e: HeartbeatEvent): void {
    this.#bus.publish(this.#s.heartbeat(e.node_id), enc.encode(JSON.stringify(e)))
  }

  onDecision(l: (e: DecisionEvent) => void): () => void {
    this.#decision.add(l)
    return () => this.#decision.delete(l)
  }

  onAssignment(l: (e: AssignmentEvent) => void): () => void {
    this.#assignment.add(l)
    return () => this.#assignment.delete(l)
  }

  /** In-process the answer is cached per subscription change; a subject is built only when someone might listen. */
  #assignmentsMaybeWanted(iv: number): boolean {
    const bus = this.#bus
    if (!(bus instanceof LocalBus)) return true
    if (bus.subscriptionVersion() !== this.#seen) this.#refresh(bus)
    return this.#assignmentsPossible && bus.hasSubscribers(this.#s.assignments(iv))
  }

  #refresh(bus: LocalBus): void {
    this.#seen = bus.subscriptionVersion()
    this.#decisionsWanted = bus.hasSubscribers(this.#s.decisions)
    this.#assignmentsPossible = bus.mayHaveSubscribersUnder(this.#s.assignments('*').slice(0, -1))
  }

  /** In-process, serialising an event nobody subscribed to is wasted work on the hot path. */
  #wanted(subject: string): boolean {
    return !(this.#bus instanceof LocalBus) || this.#bus.hasSubscribers(subject)
  }
}

function safe<T>(l: (e: T) => void, e: T): void {
  try {
    l(e)
  } catch {
    // A listener's failure is its own; the decision stands.
  }
}
