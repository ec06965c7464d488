// The one data-access interface used by everything: implemented on real Postgres (postgres.js) and
// on embedded PGlite; one contract test suite runs over both.
import type { Interviewer } from '../../client/model.ts'
import type { InterviewRecord, User } from '../../actors/model/types.ts'
import type { AssignmentLog, DecisionRecord, Directory, HeldLog, WeightsStore } from '../../actors/ports.ts'
import type { RouteStatus, WeightsVersion } from '../../client/protocol.ts'
import type { ShardEpochs } from './epochs.ts'

export type SeedTable = 'users' | 'interviewers' | 'interviews'
export interface SeedRow {
  users: User
  interviewers: Interviewer
  interviews: InterviewRecord
}

/** Rows already encoded as COPY text lines (columns in copy.ts COLUMNS order), e.g. by a generator worker. */
export interface CopyChunk {
  rows: number
  /** COPY text-format lines, as a string or as their UTF-8 bytes. */
  text: string | Uint8Array
  /** Called once the store is done with text (its buffer may then be reused); optional. */
  done?: () => void
}

export interface Counts {
  users: number
  interviewers: number
  interviews: number
  assignments: number
  open_assignments: number
  decisions: number
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  limit: number
}

export interface DecisionQuery {
  user_id?: number
  interviewer_id?: number
  outcome?: RouteStatus
  /** ISO timestamps, inclusive from, exclusive to. */
  from?: string
  to?: string
  page?: number
  limit?: number
}

export interface AuditEntry {
  actor: string
  action: string
  details: Record<string, unknown>
}

/** A trained success model as stored: coefficients[i] weighs features[i]. */
export interface ModelVersion {
  id: number
  features: string[]
  coefficients: { intercept: number; weights: number[] }
  metrics: Record<string, number>
  rows_used: number
  trained_at: string
}

/** One history row with what training needs: the user's profile and the outcome. */
export interface TrainingRow {
  user: User
  interviewer_id: number
  outcome: InterviewRecord['outcome']
  topic: string
}

export interface Store extends Directory, AssignmentLog, WeightsStore, HeldLog {
  readonly kind: 'postgres' | 'pglite'
  /** Where the data lives, safe to log (password masked). */
  readonly location: string
  /** Applies pending migrations in order, each in its own transaction, under an advisory lock. */
  migrate(): Promise<{ applied: string[] }>
  /** Shard fencing epochs (cluster): takes raise a shard's epoch; fenced commits check it. */
  shardEpochs(): ShardEpochs
  ping(): Promise<void>
  close(): Promise<void>
  /** Seconds the embedded database thread (PGlite's worker) has spent busy; null for a server database. */
  threadBusySeconds(): number | null
  /**
   * Runs fn while holding a cluster-wide lock named `key` (a transaction-scoped advisory lock on
   * Postgres, so several nodes starting at once serialise; PGlite is one process with an exclusive
   * data folder, so an in-process lock per key). fn must not use the lock's connection: it uses the store.
   */
  exclusive<R>(key: string, fn: () => Promise<R>): Promise<R>

  counts(): Promise<Counts>
  isEmpty(): Promise<boolean>
  /** Removes all data rows (keeps the schema). */
  reset(): Promise<void>
  /**
   * Streams rows into a table in constant memory (COPY on Postgres); returns rows written. All or
   * nothing: a database error rejects with a StoreError, a failing source with the source's error.
   */
  bulkLoad<T extends SeedTable>(table: T, batches: AsyncIterable<SeedRow[T][]> | Iterable<SeedRow[T][]>): Promise<number>
  /**
   * md5 fingerprint of each seeded table's rows in id order, rendered in UTC: equal fingerprints mean
   * equal contents, on either backend (determinism checks, verifying a copy). Reads whole tables.
   */
  checksums(): Promise<Record<SeedTable, string>>
  /** bulkLoad for rows already encoded as COPY text (see copy.ts encodeCopy); returns rows written. */
  bulkLoadEncoded(table: SeedTable, chunks: AsyncIterable<CopyChunk> | Iterable<CopyChunk>): Promise<number>
  /**
   * bulkLoadEncoded of several disjoint parts of one table, each streamed on its own connection at
   * the same time on Postgres (one after another on PGlite); all are kept or, if one fails, none.
   */
  bulkLoadParts(table: SeedTable, parts: readonly (AsyncIterable<CopyChunk> | Iterable<CopyChunk>)[]): Promise<number>

  listUsers(q: { page: number; limit: number; search?: string }): Promise<Page<User>>
  userHistory(userId: number, limit?: number): Promise<InterviewRecord[]>
  listDecisions(q: DecisionQuery): Promise<Page<DecisionRecord>>
  getDecision(id: string): Promise<DecisionRecord | null>
  /** One interviewer's profile as stored, or null. */
  getInterviewer(id: number): Promise<Interviewer | null>
  /** Saved weights versions, newest first, with who saved each and when. */
  weightsHistory(limit: number): Promise<WeightsVersion[]>
  /** One saved weights version, or null. */
  weightsVersion(version: number): Promise<WeightsVersion | null>

  /** Marks every open assignment cancelled in one transaction with an audit row; returns how many. */
  cancelOpenAssignments(by: string, reason: string): Promise<number>
  appendAudit(entry: AuditEntry): Promise<void>

  /** Saves a trained model as the next version; returns it with its id and trained_at. */
  saveModelVersion(v: Omit<ModelVersion, 'id' | 'trained_at'>): Promise<ModelVersion>
  /** The newest model version, or null when none was trained. */
  latestModelVersion(): Promise<ModelVersion | null>
  /** One version by id, or null. */
  getModelVersion(id: number): Promise<ModelVersion | null>
  /** The newest history rows (at most `limit`) joined with their users, for training. */
  trainingRows(limit: number): Promise<TrainingRow[]>
}
