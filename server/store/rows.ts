// Database rows → domain objects, identical for both drivers (timestamps become ISO strings).
import type { Assignment, AssignmentState, Interviewer, InterviewRecord, User } from '../../actors/model/types.ts'
import type { DecisionRecord } from '../../actors/ports.ts'
import type { RouteRequest, RouteResult, RouteStatus } from '../../client/protocol.ts'
import type { Row } from './db.ts'

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
    bids: r.bids as DecisionRecord['bids'],
    skipped_hosts: r.skipped_hosts as string[],
    latency_us: num(r.latency_us),
    node_id: String(r.node_id),
    at: iso(r.at),
    request: r.request as RouteRequest,
    result: r.result as RouteResult,
    assignment_id: strOrNull(r.assignment_id),
  }
}

/** A decision as the jsonb_to_recordset input of a commit. */
export function decisionInput(d: DecisionRecord): Row {
  return {
    id: d.decision_id, request_id: d.request_id, user_id: d.user_id, status: d.status, interviewer_id: d.interviewer_id,
    score: d.score, weights_version: d.weights_version, bids: d.bids, skipped_hosts: d.skipped_hosts,
    latency_us: Math.round(d.latency_us), node_id: d.node_id, at: d.at, request: d.request, result: d.result,
    assignment_id: d.assignment_id,
  }
}
