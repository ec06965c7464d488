// Every query of the Store, written once over the Db seam; the Postgres and PGlite backends differ
// only in their driver and in how bulkLoad streams rows (COPY from stdin vs COPY from a blob).
import type { Interviewer, Weights } from '../../client/model.ts'
import type { Assignment, InterviewerStats, InterviewRecord, User } from '../../actors/model/types.ts'
import type { AssignmentTransition, CommitBatch, CommitResult, DecisionRecord, HeldRow, InterviewerSnapshot, SnapshotLog } from '../../actors/ports.ts'
import type { Db, Row } from './db.ts'
import { ShardEpochs } from './epochs.ts'
import { migrate } from './migrate.ts'
import { ASSIGNMENT_INPUT, assignmentInput, DECISION_INPUT, decisionInput, toAssignment, toDecision, toInterview, toInterviewer, toModelVersion, toUser } from './rows.ts'
import { encodeCopy } from './copy.ts'
import { snapshotQueries } from './snapshots.ts'
import type { WeightsVersion } from '../../client/protocol.ts'
import { heldQueries } from './held.ts'
import type { AuditEntry, CopyChunk, Counts, DecisionQuery, ModelVersion, Page, SeedRow, SeedTable, Store, TrainingRow } from './types.ts'

function toWeightsVersion(r: { version: number; weights: Row; created_by: string; created_at: string | Date }): WeightsVersion {
  const w = (typeof r.weights === 'string' ? JSON.parse(r.weights) : r.weights) as Record<string, number>
  const weights: Weights = { topic: w.topic, experience: w.experience, cost: w.cost, load: w.load, fairness: w.fairness, quality: w.quality, version: Number(r.version) }
  return { weights, created_by: r.created_by, created_at: new Date(r.created_at).toISOString() }
}

/** maintenance_work_mem of a bulk load's index builds on Postgres (the server's memory, for seconds). */
const BUILD_MEMORY = '512MB'

/** Loads parts of one table (all or none); returns rows written. */
export type BulkLoader = (table: SeedTable, parts: readonly (AsyncIterable<CopyChunk> | Iterable<CopyChunk>)[]) => Promise<number>

/** Fingerprint of an empty table. */
const md5Empty = 'd41d8cd98f00b204e9800998ecf8427e'
const OPEN = `('offered', 'accepted', 'active')`
const json = (v: unknown): string => JSON.stringify(v)

/**
 * One commit batch as one statement. Its parts are CTEs, which all see the same snapshot, so a
 * transition of an assignment created in the same batch cannot update that row: it is folded into
 * the inserted row instead (same final state, same transaction). The transitions update looks its
 * ids up in the primary key (`t.id = any(...)`): joined with the recordset alone (estimated at 100
 * rows) the planner hashes it and scans every assignment ever made, a cost that grows with the table.
 * Rows arrive as JSON text (one-letter keys, see rows.ts) read by json_to_recordset, which parses each
 * field once. Every parameter is cast `$n::text::json`, which PGlite's adapter sends as UTF-8 bytes.
 */
export function commitStatement(batch: CommitBatch): { text: string; params: string[] } {
  const params: string[] = []
  const p = (v: unknown): string => {
    params.push(json(v))
    return `$${params.length}::text::json`
  }
  const ctes: string[] = []
  const created = new Map<string, Assignment>()
  for (const a of batch.assignments) created.set(a.id, a)
  const updates: AssignmentTransition[] = []
  for (const t of lastPerId(batch.transitions)) {
    const a = created.get(t.id)
    if (a) created.set(t.id, { ...a, state: t.state, updated_at: t.at })
    else updates.push(t)
  }
  if (batch.decisions.length) {
    ctes.push(`d as (insert into decisions (${DECISION_INPUT.columns})
      select ${DECISION_INPUT.select} from json_to_recordset(${p(batch.decisions.map(decisionInput))}) as x(${DECISION_INPUT.types})
      on conflict (request_id) do nothing returning id)`)
  }
  if (created.size) {
    const rows = p([...created.values()].map(assignmentInput))
    const lost = batch.decisions.length ? ` where not (x.d = any(${idArray(p(batch.decisions.map((d) => d.decision_id)))})) or x.d in (select id from d)` : ''
    ctes.push(`a as (insert into assignments (${ASSIGNMENT_INPUT.columns})
      select ${ASSIGNMENT_INPUT.select} from json_to_recordset(${rows}) as x(${ASSIGNMENT_INPUT.types})${lost})`)
  }
  if (updates.length) {
    ctes.push(`u as (update assignments t set state = x.s, updated_at = x.t
      from json_to_recordset(${p(updates.map((u) => ({ i: u.id, s: u.state, t: u.at })))}) as x(i text, s text, t timestamptz)
      where t.id = x.i and t.id = any(${idArray(p(updates.map((u) => u.id)))}))`)
  }
  if (batch.interviews?.length) {
    // The topic is the first of the request that made the assignment (its decision, committed earlier).
    ctes.push(`h as (insert into interviews (assignment_id, user_id, interviewer_id, outcome, duration_min, rating, topic, transcript, started_at)
      select x.a, x.u, x.v, x.o, x.d, x.r, coalesce((select dd.request::json->'topics'->>0 from assignments aa join decisions dd on dd.id = aa.decision_id where aa.id = x.a), ''), '', x.s
      from json_to_recordset(${p(batch.interviews.map((r) => ({ a: r.assignment_id, u: r.user_id, v: r.interviewer_id, o: r.outcome, d: r.duration_min, r: r.rating, s: r.started_at })))}) as x(a text, u int, v int, o text, d int, r smallint, s timestamptz)
      on conflict (assignment_id) do nothing)`)
  }
  const tail = batch.decisions.length ? 'select id from d' : 'select null::text as id where false'
  return { text: `with ${ctes.join(',\n')}\n${tail}`, params }
}

/** A text[] of a JSON array parameter, computed once (an init plan), so `= any(...)` is an index condition. */
const idArray = (param: string): string => `array(select json_array_elements_text(${param}))`
const clampLimit = (n: number | undefined, dflt: number): number => Math.min(1000, Math.max(1, Math.floor(n ?? dflt)))
const clampPage = (n: number | undefined): number => Math.max(1, Math.floor(n ?? 1))

export class SqlStore implements Store, SnapshotLog {
  readonly kind: 'postgres' | 'pglite'
  readonly location: string
  readonly #db: Db
  readonly #bulk: BulkLoader
  readonly #locks = new Map<string, Promise<void>>()
  readonly #epochs: ShardEpochs
  /**
   * Commits in flight at once (GroupCommitter's default bound). PGlite runs one statement at a time:
   * its second is queued in the worker, which starts it the moment the first ends instead of idling
   * while this thread answers the first batch and sends the next.
   */
  readonly commitSlots: number

  /** Shard fencing epochs (cluster); over the same connection as every other query. */
  shardEpochs(): ShardEpochs {
    return this.#epochs
  }

  constructor(kind: 'postgres' | 'pglite', location: string, db: Db, bulk: BulkLoader) {
    this.kind = kind
    this.location = location
    this.commitSlots = kind === 'pglite' ? 2 : 4
    this.#db = db
    this.#bulk = bulk
    this.#epochs = new ShardEpochs(db, location)
  }

  /** Applies pending migrations, then (on Postgres) refreshes the statistics of stale tables. */
  async migrate(): Promise<{ applied: string[] }> {
    const out = await migrate(this.#db)
    if (this.kind === 'postgres') await this.analyzeStale()
    return out
  }

  /**
   * ANALYZE of every table changed by more than autovacuum's own threshold (50 rows + 10 %) since
   * its last analyze: where autovacuum is off nothing else does it, and a fresh ANALYZE also makes
   * Postgres replan the prepared statements of every connection. Returns the tables analyzed.
   */
  async analyzeStale(): Promise<string[]> {
    const stale = await this.#db.query<{ name: string }>(
      `select s.relname as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.schemaname = current_schema() and s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)`,
    )
    for (const t of stale) await this.#db.exec(`analyze "${t.name}"`)
    return stale.map((t) => t.name)
  }
  /** Seconds the embedded database thread has been busy (PGlite); null for a server database. */
  threadBusySeconds(): number | null {
    return this.#db.busyMs ? this.#db.busyMs() / 1000 : null
  }
  async ping(): Promise<void> {
    await this.#db.query('select 1')
  }
  close(): Promise<void> {
    return this.#db.close()
  }
  exclusive<R>(key: string, fn: () => Promise<R>): Promise<R> {
    if (this.kind === 'pglite') {
      // One process owns a PGlite data folder, so an in-process chain per key is the whole lock.
      const run = (this.#locks.get(key) ?? Promise.resolve()).then(fn, fn)
      const tail = run.then(
        () => {},
        () => {},
      )
      this.#locks.set(key, tail)
      void tail.then(() => {
        if (this.#locks.get(key) === tail) this.#locks.delete(key)
      })
      return run
    }
    return this.#db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1::text))', [key])
      return fn()
    })
  }

  async counts(): Promise<Counts> {
    const [r] = await this.#db.query(`select
      (select count(*)::int from users) as users,
      (select count(*)::int from interviewers) as interviewers,
      (select count(*)::int from interviews) as interviews,
      (select count(*)::int from assignments) as assignments,
      (select count(*)::int from assignments where state in ${OPEN}) as open_assignments,
      (select count(*)::int from decisions) as decisions`)
    return r as unknown as Counts
  }

  async isEmpty(): Promise<boolean> {
    const [r] = await this.#db.query<{ empty: boolean }>('select not exists (select 1 from users) and not exists (select 1 from interviewers) and not exists (select 1 from interviews) as empty')
    return r.empty
  }

  async reset(): Promise<void> {
    await this.#db.exec(
      'truncate users, interviewers, interviews, assignments, decisions, weight_versions, audit_log, interviewer_snapshots, snapshot_runs, model_versions, held_requests restart identity',
    )
  }

  /**
   * Into an empty table, secondary indexes are dropped for the load and rebuilt after it (also when
   * it fails): one sorted build is several times cheaper than a million index insertions.
   */
  async bulkLoad<T extends SeedTable>(table: T, batches: AsyncIterable<SeedRow[T][]> | Iterable<SeedRow[T][]>): Promise<number> {
    return this.bulkLoadEncoded(table, encoded(table, batches))
  }

  async bulkLoadEncoded(table: SeedTable, chunks: AsyncIterable<CopyChunk> | Iterable<CopyChunk>): Promise<number> {
    return this.bulkLoadParts(table, [chunks])
  }

  async bulkLoadParts(table: SeedTable, parts: readonly (AsyncIterable<CopyChunk> | Iterable<CopyChunk>)[]): Promise<number> {
    const [{ empty }] = await this.#db.query<{ empty: boolean }>(`select not exists (select 1 from ${table}) as empty`)
    const indexes = empty
      ? await this.#db.query<{ name: string; def: string }>(
          `select indexname as name, indexdef as def from pg_indexes i where schemaname = current_schema() and tablename = $1::text
         and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
          [table],
        )
      : []
    for (const ix of indexes) await this.#db.exec(`drop index if exists "${ix.name}"`)
    try {
      return await this.#bulk(table, parts)
    } finally {
      await this.#rebuild(indexes.map((ix) => ix.def))
      if (empty) await this.#db.exec(`analyze ${table}`)
      // Live history rows (completions) take ids after the loaded ones.
      if (table === 'interviews') await this.#db.exec(`select setval(pg_get_serial_sequence('interviews', 'id'), coalesce((select max(id) from interviews), 0) + 1, false)`)
    }
  }

  /**
   * On Postgres the indexes build side by side, each on its own pooled connection (CREATE INDEX takes
   * a SHARE lock, which does not block another), with room to sort in memory; PGlite builds them in
   * turn, as it runs one statement at a time anyway and its memory is this process's.
   */
  async #rebuild(defs: string[]): Promise<void> {
    if (this.kind === 'pglite') {
      for (const def of defs) await this.#db.exec(def)
      return
    }
    // One string, one implicit transaction: if the build fails, the setting rolls back with it.
    const done = await Promise.allSettled(defs.map((def) => this.#db.exec(`set maintenance_work_mem = '${BUILD_MEMORY}'; ${def}; reset maintenance_work_mem`)))
    const failed = done.find((d) => d.status === 'rejected')
    if (failed) throw failed.reason
  }

  async checksums(): Promise<Record<SeedTable, string>> {
    return this.#db.transaction(async (tx) => {
      // Timestamps render in the session time zone; pin it so every server agrees.
      await tx.exec(`set local timezone to 'UTC'`)
      const out = {} as Record<SeedTable, string>
      for (const t of ['users', 'interviewers', 'interviews'] as const) {
        // Hash of per-row hashes: the aggregated string stays 32 bytes a row, far under text's 1 GB cap.
        const [r] = await tx.query<{ sum: string | null }>(`select md5(string_agg(md5(t::text), '' order by t.id)) as sum from ${t} t`)
        out[t] = r.sum ?? md5Empty
      }
      return out
    })
  }

  // ---- Directory ----

  async getUser(id: number): Promise<User | null> {
    if (!Number.isSafeInteger(id) || id < -2147483648 || id > 2147483647) return null
    const [r] = await this.#db.query('select * from users where id = $1::int', [id])
    return r ? toUser(r) : null
  }
  async getInterviewer(id: number): Promise<Interviewer | null> {
    if (!Number.isSafeInteger(id) || id < -2147483648 || id > 2147483647) return null
    const [r] = await this.#db.query('select * from interviewers where id = $1::int', [id])
    return r ? toInterviewer(r) : null
  }
  async loadInterviewers(): Promise<Interviewer[]> {
    return (await this.#db.query('select * from interviewers order by id')).map(toInterviewer)
  }
  async interviewerStats(): Promise<InterviewerStats[]> {
    const rows = await this.#db.query(`select interviewer_id, count(*)::int as interviews,
        (count(*) filter (where outcome = 'completed'))::int as completed, avg(rating)::float8 as avg_rating
      from interviews group by interviewer_id order by interviewer_id`)
    return rows.map((r) => ({
      interviewer_id: Number(r.interviewer_id),
      interviews: Number(r.interviews),
      completed: Number(r.completed),
      avg_rating: r.avg_rating === null ? null : Number(r.avg_rating),
    }))
  }

  async listUsers(q: { page: number; limit: number; search?: string }): Promise<Page<User>> {
    const page = clampPage(q.page)
    const limit = clampLimit(q.limit, 50)
    const params: unknown[] = []
    let where = ''
    const s = q.search?.trim().toLowerCase()
    if (s) {
      params.push(`${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      where = `where lower(name) like $1 or lower(regexp_replace(name, '^.* ', '')) like $1 or lower(email) like $1`
      if (/^\d{1,9}$/.test(s)) {
        params.push(Number(s))
        where += ' or id = $2::int'
      }
    }
    const [{ total }] = await this.#db.query<{ total: number }>(`select count(*)::int as total from users ${where}`, params)
    const rows = await this.#db.query(`select * from users ${where} order by id limit ${limit} offset ${(page - 1) * limit}`, params)
    return { items: rows.map(toUser), total, page, limit }
  }

  async userHistory(userId: number, limit = 50): Promise<InterviewRecord[]> {
    const rows = await this.#db.query(`select * from interviews where user_id = $1::int order by started_at desc, id desc limit ${clampLimit(limit, 50)}`, [userId])
    return rows.map(toInterview)
  }

  // ---- AssignmentLog ----

  /**
   * The whole batch as ONE statement (data-modifying CTEs), so one implicit transaction: no
   * BEGIN/COMMIT round trips, one parse and plan, and on PGlite one hop to its worker. The
   * assignments of decisions lost to a request_id conflict are filtered in SQL (their decision id
   * is not among those the insert returned). A batch has one of a few shapes (which of decisions,
   * assignments and transitions it holds), each kept prepared: planning it cost more than running
   * a small batch.
   */
  async commit(batch: CommitBatch): Promise<CommitResult> {
    if (!batch.assignments.length && !batch.transitions.length && !batch.decisions.length && !batch.interviews?.length) return { conflicts: [] }
    const { text, params } = commitStatement(batch)
    const inserted = batch.fences?.length ? await this.#epochs.fencedAll(batch.fences, (tx) => tx.query<{ id: string }>(text, params)) : await this.#db.queryPrepared<{ id: string }>(text, params)
    const conflicts: string[] = []
    if (batch.decisions.length) {
      const ok = new Set<string>()
      for (const r of inserted) ok.add(r.id)
      for (const d of batch.decisions) if (!ok.has(d.decision_id) && d.request_id !== null) conflicts.push(d.request_id)
    }
    return { conflicts }
  }

  async openAssignments(): Promise<Assignment[]> {
    return (await this.#db.query(`select * from assignments where state in ${OPEN} order by created_at, id`)).map(toAssignment)
  }

  async findDecisionByRequestId(requestId: string): Promise<DecisionRecord | null> {
    const [r] = await this.#db.query('select * from decisions where request_id = $1::text', [requestId])
    return r ? toDecision(r) : null
  }

  async listDecisions(q: DecisionQuery): Promise<Page<DecisionRecord>> {
    const page = clampPage(q.page)
    const limit = clampLimit(q.limit, 50)
    const params: unknown[] = []
    const conds: string[] = []
    const add = (cond: string, v: unknown): void => {
      params.push(v)
      conds.push(cond.replace('?', `$${params.length}`))
    }
    if (q.user_id !== undefined) add('user_id = ?::int', q.user_id)
    if (q.interviewer_id !== undefined) add('interviewer_id = ?::int', q.interviewer_id)
    if (q.outcome !== undefined) add('status = ?::text', q.outcome)
    if (q.from !== undefined) add('at >= ?::timestamptz', q.from)
    if (q.to !== undefined) add('at < ?::timestamptz', q.to)
    const where = conds.length ? `where ${conds.join(' and ')}` : ''
    const [{ total }] = await this.#db.query<{ total: number }>(`select count(*)::int as total from decisions ${where}`, params)
    const rows = await this.#db.query(`select * from decisions ${where} order by at desc, id desc limit ${limit} offset ${(page - 1) * limit}`, params)
    return { items: rows.map(toDecision), total, page, limit }
  }

  async getDecision(id: string): Promise<DecisionRecord | null> {
    const [r] = await this.#db.query('select * from decisions where id = $1::text', [id])
    return r ? toDecision(r) : null
  }

  // ---- Weights and audit ----

  async latestWeights(): Promise<Weights | null> {
    const [r] = await this.#db.query<{ version: number; weights: Row }>('select version, weights from weight_versions order by version desc limit 1')
    return r ? ({ ...r.weights, version: Number(r.version) } as unknown as Weights) : null
  }

  async weightsHistory(limit: number): Promise<WeightsVersion[]> {
    const rows = await this.#db.query<{ version: number; weights: Row; created_by: string; created_at: string | Date }>(
      'select version, weights, created_by, created_at from weight_versions order by version desc limit $1::int',
      [limit],
    )
    return rows.map(toWeightsVersion)
  }

  async weightsVersion(version: number): Promise<WeightsVersion | null> {
    if (!Number.isSafeInteger(version) || version < 0 || version > 2147483647) return null
    const [r] = await this.#db.query<{ version: number; weights: Row; created_by: string; created_at: string | Date }>(
      'select version, weights, created_by, created_at from weight_versions where version = $1::int',
      [version],
    )
    return r ? toWeightsVersion(r) : null
  }

  /** A version already saved is a StoreError('conflict'): versions are never overwritten. */
  async saveWeights(weights: Weights, by: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query('insert into weight_versions (version, weights, created_by) values ($1::int, $2::text::jsonb, $3::text)', [weights.version, json(weights), by])
      await tx.query('insert into audit_log (actor, action, details) values ($1::text, $2::text, $3::text::jsonb)', [by, 'weights_saved', json({ version: weights.version })])
    })
  }

  async cancelOpenAssignments(by: string, reason: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query(`update assignments set state = 'cancelled', updated_at = now() where state in ${OPEN} returning id`)
      await tx.query('insert into audit_log (actor, action, details) values ($1::text, $2::text, $3::text::jsonb)', [by, 'cancel_open_assignments', json({ reason, count: rows.length })])
      return rows.length
    })
  }

  // ---- Snapshots (durability): the queries live in snapshots.ts ----

  saveHeld(row: HeldRow): Promise<void> {
    return heldQueries(this.#db).saveHeld(row)
  }
  deleteHeld(ids: string[]): Promise<void> {
    return heldQueries(this.#db).deleteHeld(ids)
  }
  findHeld(requestId: string): Promise<HeldRow | null> {
    return heldQueries(this.#db).findHeld(requestId)
  }
  claimHeld(nodeId: string, staleMs: number): Promise<HeldRow[]> {
    return heldQueries(this.#db).claimHeld(nodeId, staleMs)
  }
  releaseHeld(nodeId: string): Promise<void> {
    return heldQueries(this.#db).releaseHeld(nodeId)
  }

  saveSnapshots(run: Parameters<SnapshotLog['saveSnapshots']>[0]): Promise<void> {
    return snapshotQueries(this.#db).saveSnapshots(run)
  }
  latestSnapshotRun(shardIndex: number, shardCount: number): Promise<{ watermark: string } | null> {
    return snapshotQueries(this.#db).latestSnapshotRun(shardIndex, shardCount)
  }
  loadSnapshots(shardIndex: number, shardCount: number): Promise<InterviewerSnapshot[]> {
    return snapshotQueries(this.#db).loadSnapshots(shardIndex, shardCount)
  }
  assignmentsChangedSince(at: string): Promise<Assignment[]> {
    return snapshotQueries(this.#db).assignmentsChangedSince(at)
  }
  openAssignmentsOf(interviewerIds: number[]): Promise<Assignment[]> {
    return snapshotQueries(this.#db).openAssignmentsOf(interviewerIds)
  }

  // ---- Success-model versions ----

  async saveModelVersion(v: Omit<ModelVersion, 'id' | 'trained_at'>): Promise<ModelVersion> {
    const [r] = await this.#db.query('insert into model_versions (features, coefficients, metrics, rows_used) values ($1::text::jsonb, $2::text::jsonb, $3::text::jsonb, $4::int) returning *', [
      json(v.features),
      json(v.coefficients),
      json(v.metrics),
      v.rows_used,
    ])
    return toModelVersion(r)
  }
  async latestModelVersion(): Promise<ModelVersion | null> {
    const [r] = await this.#db.query('select * from model_versions order by id desc limit 1')
    return r ? toModelVersion(r) : null
  }
  async getModelVersion(id: number): Promise<ModelVersion | null> {
    if (!Number.isSafeInteger(id) || id < 1 || id > 2147483647) return null
    const [r] = await this.#db.query('select * from model_versions where id = $1::int', [id])
    return r ? toModelVersion(r) : null
  }
  async trainingRows(limit: number): Promise<TrainingRow[]> {
    const n = Math.max(0, Math.min(2147483647, Math.floor(limit)))
    const rows = await this.#db.query(
      `select u.*, h.interviewer_id as h_interviewer, h.outcome as h_outcome, h.topic as h_topic
       from interviews h join users u on u.id = h.user_id order by h.id desc limit ${n}`,
    )
    return rows.map((r) => ({ user: toUser(r), interviewer_id: Number(r.h_interviewer), outcome: r.h_outcome as TrainingRow['outcome'], topic: String(r.h_topic) }))
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#db.query('insert into audit_log (actor, action, details) values ($1::text, $2::text, $3::text::jsonb)', [entry.actor, entry.action, json(entry.details)])
  }
}

async function* encoded<T extends SeedTable>(table: T, batches: AsyncIterable<SeedRow[T][]> | Iterable<SeedRow[T][]>): AsyncGenerator<CopyChunk> {
  for await (const rows of batches) yield { rows: rows.length, text: encodeCopy(table, rows) }
}

/** An update joins each id once, so only the last transition of an id in a batch may be applied. */
function lastPerId(ts: AssignmentTransition[]): AssignmentTransition[] {
  const m = new Map<string, AssignmentTransition>()
  for (const t of ts) m.set(t.id, t)
  return [...m.values()]
}
