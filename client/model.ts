// Domain types the wire protocol carries: interviewers, availability, assignment states, scoring
// factors, weights and bids. The bottom layer: imports nothing from the repo.
// Field names are snake_case so rows, wire messages and NATS payloads carry the same names.

export const INTERVIEWER_TYPES = ['human', 'ai'] as const
export type InterviewerType = (typeof INTERVIEWER_TYPES)[number]

export const AVAILABILITY = ['online', 'paused', 'offline'] as const
export type Availability = (typeof AVAILABILITY)[number]

export const SENIORITY = ['junior', 'mid', 'senior', 'principal'] as const
export type Seniority = (typeof SENIORITY)[number]

/** offered → accepted → active → completed; cancelled / expired end it early. */
export const ASSIGNMENT_STATES = ['offered', 'accepted', 'active', 'completed', 'cancelled', 'expired'] as const
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number]

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

/** Scoring factors, each in [0, 1] before weighting. */
export interface Factors {
  topic: number
  experience: number
  cost: number
  load: number
  fairness: number
  quality: number
}

export interface Weights extends Factors {
  /** Monotonic version; every decision records the version it was scored with. */
  version: number
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
