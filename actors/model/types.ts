// Domain model shared by every part: users, interviewers, history, assignments, decisions, weights.
// Field names are snake_case so rows, wire messages and NATS payloads carry the same names.

export const INTERVIEWER_TYPES = ['human', 'ai'] as const
export type InterviewerType = (typeof INTERVIEWER_TYPES)[number]

export const AVAILABILITY = ['online', 'paused', 'offline'] as const
export type Availability = (typeof AVAILABILITY)[number]

export const INTERVIEW_OUTCOMES = ['completed', 'no_show', 'abandoned'] as const
export type InterviewOutcome = (typeof INTERVIEW_OUTCOMES)[number]

export const SENIORITY = ['junior', 'mid', 'senior', 'principal'] as const
export type Seniority = (typeof SENIORITY)[number]

/** Career level of a user; experience fit compares it with the interviewer's seniority. */
export const USER_LEVELS = ['entry', 'mid', 'senior', 'executive'] as const
export type UserLevel = (typeof USER_LEVELS)[number]

/** offered → accepted → active → completed; cancelled / expired end it early. */
export const ASSIGNMENT_STATES = ['offered', 'accepted', 'active', 'completed', 'cancelled', 'expired'] as const
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number]
/** States that occupy a slot of the interviewer's capacity. */
export const OPEN_ASSIGNMENT_STATES = ['offered', 'accepted', 'active'] as const satisfies readonly AssignmentState[]

export interface User {
  id: number
  name: string
  email: string
  age_band: string
  country: string
  timezone: string
  education: string
  industry: string
  level: UserLevel
  languages: string[]
  /** Preferred interviewer type, or null for no preference. */
  preferred_type: InterviewerType | null
  topics: string[]
  created_at: string
}

export interface Interviewer {
  id: number
  name: string
  type: InterviewerType
  languages: string[]
  specializations: string[]
  seniority: Seniority
  years_experience: number
  /** Cost per interview, in the same unit as a route request's budget. */
  cost: number
  /** Interviews held at once (active). */
  concurrency: number
  /** Most assignments held at once: active + waiting. */
  capacity: number
  /** Cleared for sensitive interviews. */
  clearance: boolean
  availability: Availability
  rating: number
  timezone: string
  /** Typical interview length in minutes; drives the estimated start of queued work. */
  avg_duration_min: number
}

/** Aggregates of an interviewer's interview history, read at load; feeds the quality factor. */
export interface InterviewerStats {
  interviewer_id: number
  interviews: number
  completed: number
  avg_rating: number | null
}

export interface InterviewRecord {
  id: number
  user_id: number
  interviewer_id: number
  outcome: InterviewOutcome
  duration_min: number
  /** 1–5, null when the interview did not complete. */
  rating: number | null
  topic: string
  transcript: string
  started_at: string
}

export interface Assignment {
  id: string
  request_id: string | null
  decision_id: string
  user_id: number
  interviewer_id: number
  score: number
  state: AssignmentState
  created_at: string
  updated_at: string
}

/** Scoring factors, each in [0, 1] before weighting. */
export interface Factors {
  topic: number
  experience: number
  cost: number
  load: number
  fairness: number
  quality: number
}
export const FACTOR_NAMES = ['topic', 'experience', 'cost', 'load', 'fairness', 'quality'] as const satisfies readonly (keyof Factors)[]

export interface Weights extends Factors {
  /** Monotonic version; every decision records the version it was scored with. */
  version: number
}

export const DEFAULT_WEIGHTS: Weights = {
  version: 1,
  topic: 1.0,
  experience: 0.5,
  cost: 0.4,
  load: 0.6,
  fairness: 0.2,
  quality: 0.5,
}

export interface Bid {
  interviewer_id: number
  score: number
  factors: Factors
  queue_depth: number
  estimated_start_min: number
  /** 'remote' when an interviewer client supplied the bid over its WebSocket. */
  source: 'local' | 'remote'
}
