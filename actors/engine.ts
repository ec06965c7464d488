// The routing engine as the gateway sees it: one object per process wrapping the router actor,
// the local shard host and the bus. HTTP and WebSocket handlers call only this.
import type { Availability, Weights } from '../client/model.ts'
import type { AssignmentEvent, CompleteOutcome, DecisionEvent, HeldEntry, HeldPolicy, InterviewEnd, InterviewerState, RouteRequest, RouteResult } from '../client/protocol.ts'

/** Typed failure of an engine call; `code` is a protocol ErrorCode. */
export class EngineError extends Error {
  readonly code: 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable' | 'timeout' | 'rate_limited'
  constructor(code: EngineError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EngineError'
    this.code = code
  }
}

export interface CompleteResult {
  status: 'completed'
  outcome: CompleteOutcome
  assignment_id: string
  interviewer_id: number
  current_queue: number
}

export interface CancelResult {
  status: 'cancelled'
  assignment_id: string
  interviewer_id: number
  current_queue: number
}

export interface EngineStats {
  node_id: string
  interviewers: number
  decisions: number
  outcomes: Record<string, number>
  open_assignments: number
  weights_version: number
  /** Held requests on this node, and the routing attempts / index entries their retries cost. */
  held: { size: number; attempts: number; scanned: number }
}

/** Called for each remote-bid request aimed at an interviewer whose client opted in. */
export type RemoteBidder = (req: { bid_id: string; interviewer_id: number; request: RouteRequest; local_score: number | null; deadline_ms: number }) => Promise<number | null>

export interface RoutingEngine {
  start(): Promise<void>
  /** Stops accepting routes, lets in-flight ones finish, flushes commits. */
  stop(): Promise<void>

  /** `owner`: who asks (the principal's key), for the per-principal cap on held requests. */
  route(req: RouteRequest, owner?: string): Promise<RouteResult>
  /** Ends an active assignment; `end` (outcome, rating, duration) becomes its interview-history row. */
  complete(by: { interviewer_id: number } | { assignment_id: string }, end?: InterviewEnd): Promise<CompleteResult>
  cancel(assignmentId: string): Promise<CancelResult>
  accept(assignmentId: string): Promise<{ status: 'accepted'; assignment_id: string }>
  reject(assignmentId: string): Promise<RouteResult>
  heldPolicy(): HeldPolicy
  /** Changes the held-request policy on every node (broadcast), audited. */
  setHeldPolicy(policy: HeldPolicy, by: string): Promise<HeldPolicy>
  /** The requests held on this node, best first (operators). */
  held(): HeldEntry[]
  /** Cancels a request held on this node by its request_id; `not_found` when none is. */
  cancelHeld(requestId: string): Promise<{ status: 'cancelled'; request_id: string; decision_id: string }>
  setAvailability(interviewerId: number, availability: Availability): Promise<InterviewerState>

  /** Every interviewer's queue, across all nodes. */
  state(): Promise<InterviewerState[]>
  stateOf(interviewerId: number): Promise<InterviewerState | null>
  /** Owner of an assignment, to check an interviewer token acts only on its own. */
  assignmentOwner(assignmentId: string): Promise<number | null>

  weights(): Weights
  setWeights(patch: Partial<Omit<Weights, 'version'>>, by: string): Promise<Weights>
  resetQueues(by: string): Promise<{ cleared: number }>
  reload(by: string): Promise<{ users: number; interviewers: number }>
  stats(): Promise<EngineStats>

  /** Registers the remote bidder for an interviewer (its console opted in); returns the disposer. */
  setRemoteBidder(interviewerId: number, bidder: RemoteBidder): () => void
  onDecision(listener: (e: DecisionEvent) => void): () => void
  onAssignment(listener: (e: AssignmentEvent) => void): () => void
  /** A held request was assigned: its owner (the key given to route()) and the outcome. */
  onHeldOutcome(listener: (owner: string, result: RouteResult) => void): () => void
}
