// Database rows → domain objects, identical for both drivers (timestamps become ISO strings).
import type { AssignmentState, Bid, Factors, Interviewer } from '../../client/model.ts'
import { FACTOR_NAMES, type Assignment, type InterviewRecord, type User } from '../../actors/model/types.ts'
import type { DecisionRecord } from '../../actors/ports.ts'
import type { RouteRequest, RouteResult, RouteStatus } from '../../client/protocol.ts'
import type { Row } from './db.ts'
import type { ModelVersion } from './types.ts'

export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString()
  return new Date(String(v)).toISOString()
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v))
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

export function toUser(r: Row): User {
  return {
    id: num(r.id),
    name: String(r.name),
    email: String(r.email),
    age_band: String(r.age_band),
    country: String(r.country),
    timezone: String(r.timezone),
    education: String(r.education),
    industry: String(r.industry),
    level: r.level as User['level'],
    languages: r.languages as string[],
    preferred_type: (r.preferred_type ?? null) as User['preferred_type'],
    topics: r.topics as string[],
    created_at: iso(r.created_at),
  }
}

export function toInterviewer(r: Row): Interviewer {
  return {
    id: num(r.id),
    name: String(r.name),
    type: r.type as Interviewer['type'],
    languages: r.languages as string[],
    specializations: r.specializations as string[],
    seniority: r.seniority as Interviewer['seniority'],
    years_experience: num(r.years_experience),
    cost: num(r.cost),
    concurrency: num(r.concurrency),
    capacity: num(r.capacity),
    clearance: Boolean(r.clearance),
    availability: r.availability as Interviewer['availability'],
    rating: num(r.rating),
    timezone: String(r.timezone),
    avg_duration_min: num(r.avg_duration_min),
  }
}

export function toInterview(r: Row): InterviewRecord {
  return {
    id: num(r.id),
    user_id: num(r.user_id),
    interviewer_id: num(r.interviewer_id),
    outcome: r.outcome as InterviewRecord['outcome'],
    duration_min: num(r.duration_min),
    rating: numOrNull(r.rating),
    topic: String(r.topic),
    transcript: String(r.transcript),
    started_at: iso(r.started_at),
  }
}

export function toModelVersion(r: Row): ModelVersion {
  const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v)
  return {
    id: num(r.id),
    features: parse(r.features) as string[],
    coefficients: parse(r.coefficients) as ModelVersion['coefficients'],
    metrics: parse(r.metrics) as Record<string, number>,
    rows_used: num(r.rows_used),
    trained_at: iso(r.trained_at),
  }
}

export function toAssignment(r: Row): Assignment {
  return {
    id: String(r.id),
    request_id: strOrNull(r.request_id),
    decision_id: String(r.decision_id),
    user_id: num(r.user_id),
    interviewer_id: num(r.interviewer_id),
    score: num(r.score),
    state: r.state as AssignmentState,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  }
}

/**
 * A stored bid, compact: [interviewer_id, score, queue_depth, estimated_start_min, source, ...factors
 * in FACTOR_NAMES order], source 0 for local and 1 for remote (migration 004).
 */
type StoredBid = number[]

function packBid(b: Bid): StoredBid {
  const a = [b.interviewer_id, b.score, b.queue_depth, b.estimated_start_min, b.source === 'remote' ? 1 : 0]
  for (const k of FACTOR_NAMES) a.push(b.factors[k])
  return a
}

/** Bids as the decisions.bids column stores them (JSON text, one array per bid). */
export function storedBids(bids: readonly Bid[]): string {
  return JSON.stringify(bids.map(packBid))
}

function unpackBid(a: StoredBid): Bid {
  const factors = {} as Factors
  for (let i = 0; i < FACTOR_NAMES.length; i++) factors[FACTOR_NAMES[i]] = a[5 + i]
  return { interviewer_id: a[0], score: a[1], factors, queue_depth: a[2], estimated_start_min: a[3], source: a[4] === 1 ? 'remote' : 'local' }
}

/** A JSON text column (decisions' bids, skipped_hosts, request, result; text on both backends since migration 004), parsed. */
const parsed = (v: unknown): unknown => JSON.parse(String(v))

export function toDecision(r: Row): DecisionRecord {
  return {
    type: 'decision',
    decision_id: String(r.id),
    request_id: strOrNull(r.request_id),
    user_id: num(r.user_id),
    status: r.status as RouteStatus,
    interviewer_id: numOrNull(r.interviewer_id),
    score: numOrNull(r.score),
    weights_version: num(r.weights_version),
    bids: (parsed(r.bids) as StoredBid[]).map(unpackBid),
    skipped_hosts: parsed(r.skipped_hosts) as string[],
    latency_us: num(r.latency_us),
    node_id: String(r.node_id),
    at: iso(r.at),
    request: parsed(r.request) as RouteRequest,
    result: parsed(r.result) as RouteResult,
    assignment_id: strOrNull(r.assignment_id),
  }
}

/**
 * A decision as one element of a commit's json_to_recordset input. Keys are one letter (the
 * statement names each column): per route that is about 150 bytes less for the PGlite thread to
 * read. The nested values arrive in text columns as their JSON text, stored as is.
 */
export function decisionInput(d: DecisionRecord): Row {
  return {
    i: d.decision_id,
    q: d.request_id,
    u: d.user_id,
    s: d.status,
    v: d.interviewer_id,
    c: d.score,
    w: d.weights_version,
    b: d.bids.map(packBid),
    k: d.skipped_hosts,
    l: Math.round(d.latency_us),
    n: d.node_id,
    t: d.at,
    r: d.request,
    x: d.result,
    a: d.assignment_id,
  }
}

/** The columns of decisionInput's keys, in the order the statement inserts them. */
export const DECISION_INPUT = {
  columns: 'id, request_id, user_id, status, interviewer_id, score, weights_version, bids, skipped_hosts, latency_us, node_id, at, request, result, assignment_id',
  select: 'i, q, u, s, v, c, w, b, k, l, n, t, r, x, a',
  types: 'i text, q text, u int, s text, v int, c float8, w int, b text, k text, l int, n text, t timestamptz, r text, x text, a text',
} as const

/** An assignment as one element of a commit's json_to_recordset input (one-letter keys). */
export function assignmentInput(a: Assignment): Row {
  return { i: a.id, q: a.request_id, d: a.decision_id, u: a.user_id, v: a.interviewer_id, c: a.score, s: a.state, t: a.created_at, p: a.updated_at }
}

export const ASSIGNMENT_INPUT = {
  columns: 'id, request_id, decision_id, user_id, interviewer_id, score, state, created_at, updated_at',
  select: 'i, q, d, u, v, c, s, t, p',
  types: 'i text, q text, d text, u int, v int, c float8, s text, t timestamptz, p timestamptz',
} as const
