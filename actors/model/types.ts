// Domain model shared by every part: users, interviewers, history, assignments, decisions, weights.
// Field names are snake_case so rows, wire messages and NATS payloads carry the same names.
import type { AssignmentState, Factors, InterviewerType, Weights } from '../../client/model.ts'

export const INTERVIEW_OUTCOMES = ['completed', 'no_show', 'abandoned'] as const
export type InterviewOutcome = (typeof INTERVIEW_OUTCOMES)[number]

/** Career level of a user; experience fit compares it with the interviewer's seniority. */
export const USER_LEVELS = ['entry', 'mid', 'senior', 'executive'] as const
export type UserLevel = (typeof USER_LEVELS)[number]

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

export const FACTOR_NAMES = ['topic', 'experience', 'cost', 'load', 'fairness', 'quality'] as const satisfies readonly (keyof Factors)[]

export const DEFAULT_WEIGHTS: Weights = {
  version: 1,
  topic: 1.0,
  experience: 0.5,
  cost: 0.4,
  load: 0.6,
  fairness: 0.2,
  quality: 0.5,
}
