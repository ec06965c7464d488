// What the actors need from storage, as narrow ports: the Store implements them, tests fake them.
import type { AssignmentState, Availability, Interviewer, Weights } from '../client/model.ts'
import type { Assignment, InterviewerStats, InterviewOutcome, User } from './model/types.ts'
import type { DecisionEvent, RouteRequest, RouteResult } from '../client/protocol.ts'

/** A routing decision as stored: the operator event plus the request and the reply sent. */
export interface DecisionRecord extends DecisionEvent {
  request: RouteRequest
  result: RouteResult
  assignment_id: string | null
}

export interface AssignmentTransition {
  id: string
  state: AssignmentState
  at: string
}

/** An ended interview's history row, written with the transition that ends its assignment. */
export interface InterviewEndRow {
  assignment_id: string
  user_id: number
  interviewer_id: number
  outcome: InterviewOutcome
  duration_min: number
  rating: number | null
  started_at: string
}

/** One group commit: everything in it lands in one transaction or not at all. */
export interface CommitBatch {
  assignments: Assignment[]
  transitions: AssignmentTransition[]
  decisions: DecisionRecord[]
  /** History rows of ended interviews (optional: most batches have none). */
  interviews?: InterviewEndRow[]
  /**
   * Cluster fencing (optional): the shard epochs the writer holds for the shards this batch writes.
   * The store checks each in the same transaction and refuses the whole batch (StoreError `fenced`,
   * nothing written) when any shard has moved on to a newer owner.
   */
  fences?: ShardFence[]
}

/** A writer's claim on one virtual shard: its fencing epoch (server/store/epochs.ts). */
export interface ShardFence {
  shard: number
  epoch: number
}

/**
 * What a commit did. A decision whose request_id was already stored (another node or an earlier
 * batch won the race) is not inserted, and neither are the batch's assignments of that decision:
 * their request_ids come back in `conflicts`, and the caller answers with the stored first outcome
 * (findDecisionByRequestId). Everything else in the batch is committed.
 */
export interface CommitResult {
  conflicts: string[]
}

export interface Directory {
  getUser(id: number): Promise<User | null>
  loadInterviewers(): Promise<Interviewer[]>
  interviewerStats(): Promise<InterviewerStats[]>
}

export interface AssignmentLog {
  /**
   * Commits the batch atomically; rejects (and changes nothing) on any database error.
   * A duplicate request_id is not an error: see CommitResult.
   */
  commit(batch: CommitBatch): Promise<CommitResult>
  /** Assignments still holding a slot (offered/accepted/active), oldest first. */
  openAssignments(): Promise<Assignment[]>
  /** The stored first outcome for a request_id, if any. */
  findDecisionByRequestId(requestId: string): Promise<DecisionRecord | null>
}

export interface WeightsStore {
  latestWeights(): Promise<Weights | null>
  saveWeights(weights: Weights, by: string): Promise<void>
}

/** One interviewer actor's state as snapshotted: what the committed rows alone do not carry. */
export interface InterviewerSnapshot {
  interviewer_id: number
  availability: Availability
  /** Epoch ms of the last assignment (the fairness factor's idle time). */
  last_assigned_at: number
  /** Rows changed at or after this instant may be newer than the snapshot: restore replays them. */
  watermark: string
  /** The queue in order: durable open assignments as of the snapshot. */
  entries: Assignment[]
}

/** Snapshots of interviewer actors (durability issue): written off the hot path, read at start-up. */
export interface SnapshotLog {
  /**
   * Upserts the snapshots and records the run, in one transaction. A run writes only the
   * interviewers that changed since the previous run; `watermark` says every interviewer of the
   * shard is current as of it (the ones not written did not change).
   */
  saveSnapshots(run: { node_id: string; shard_index: number; shard_count: number; reason: string; watermark: string; snapshots: InterviewerSnapshot[] }): Promise<void>
  /** The latest committed run of this shard layout, if any. */
  latestSnapshotRun(shardIndex: number, shardCount: number): Promise<{ watermark: string } | null>
  /** The latest snapshot of every interviewer of a shard (id % count === index). */
  loadSnapshots(shardIndex: number, shardCount: number): Promise<InterviewerSnapshot[]>
  /** Every assignment with updated_at at or after `at` (any state), oldest first. */
  assignmentsChangedSince(at: string): Promise<Assignment[]>
  /** Open assignments of these interviewers, oldest first. */
  openAssignmentsOf(interviewerIds: number[]): Promise<Assignment[]>
}

/** A held request as persisted: the promise of a `queued` reply (issue 16). */
export interface HeldRow {
  /** The decision_id of the `queued` reply. */
  id: string
  request_id: string | null
  /** The router node holding it in memory; null once released (graceful stop). */
  node_id: string | null
  request: RouteRequest
  /** ISO time it was queued: its sla_min and its aging count from here. */
  queued_at: string
}

/** Held requests, durable: written when queued, removed when they leave the hold. */
export interface HeldLog {
  saveHeld(row: HeldRow): Promise<void>
  deleteHeld(ids: string[]): Promise<void>
  /** The held request of a request_id, whoever holds it. */
  findHeld(requestId: string): Promise<HeldRow | null>
  /**
   * Renews the lease of `nodeId`'s held requests and takes over the unowned ones and those whose
   * owner's lease is older than `staleMs` (a dead node); returns every row it now owns.
   */
  claimHeld(nodeId: string, staleMs: number): Promise<HeldRow[]>
  /** Gives the node's held requests up (graceful stop): the next node claims them at once. */
  releaseHeld(nodeId: string): Promise<void>
}

/** Operator actions worth a durable record (queue resets, reloads); the Store implements it. */
export interface AuditLog {
  appendAudit(entry: { actor: string; action: string; details: Record<string, unknown> }): Promise<void>
}

/** What the actors log through: the methods they call. server/ passes a pino logger in. */
export interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** The configuration the engine reads; server/config.ts validates it and passes the whole Config in. */
export interface EngineConfig {
  /** This node's name in events, NATS connection names and snapshot runs. */
  NODE_ID: string
  SUBJECT_PREFIX: string
  /** This node hosts interviewers whose id % SHARD_COUNT === SHARD_INDEX. */
  SHARD_INDEX: number
  SHARD_COUNT: number
  GATHER_DEADLINE_MS: number
  COMMIT_MAX_BATCH: number
  COMMIT_MAX_DELAY_MS: number
  MAILBOX_LIMIT: number
  MAX_INFLIGHT: number
  OFFER_TIMEOUT_S: number
  SNAPSHOT_INTERVAL_S: number
  HELD_LEASE_S: number
  HELD_AGING_PER_MIN: number
  HELD_MAX_PER_NODE: number
  HELD_MAX_PER_PRINCIPAL: number
}

/**
 * The stages of one route, in order: the gateway's decode + validate, the user lookup, the
 * scatter to the shard hosts and gather of their bids, waiting for a commit batch, the commit
 * transaction, and writing the reply. server/ times decode_validate and reply_write itself.
 */
export const ROUTE_STAGES = ['decode_validate', 'user_lookup', 'scatter_gather', 'commit_wait', 'commit', 'reply_write'] as const
export type RouteStage = (typeof ROUTE_STAGES)[number]

/**
 * Where stage durations go (server/: Prometheus histograms). Called on the hot path several times
 * per route, so an implementation must be cheap: no allocation, no logging.
 */
export interface StageObserver {
  /** `ms`: the stage's duration in milliseconds (a performance.now() difference). */
  observe(stage: RouteStage, ms: number): void
}
