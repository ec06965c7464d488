// One user and one interviewer who fit each other well (shared language, overlapping topics, level
// and seniority, the preferred type): the pair the success model's tests score and perturb.
import type { Interviewer } from '../../client/model.ts'
import type { User } from '../model/types.ts'

export const pairUser: User = {
  id: 1,
  name: 'A B',
  email: 'a@b',
  age_band: '25-34',
  country: 'US',
  timezone: 'UTC',
  education: 'x',
  industry: 'y',
  level: 'senior',
  languages: ['English', 'Spanish'],
  preferred_type: 'human',
  topics: ['FinTech', 'pricing'],
  created_at: '2025-01-01T00:00:00.000Z',
}
export const pairInterviewer: Interviewer = {
  id: 2,
  name: 'C D',
  type: 'human',
  languages: ['english'],
  specializations: ['fintech'],
  seniority: 'senior',
  years_experience: 10,
  cost: 60,
  concurrency: 1,
  capacity: 3,
  clearance: false,
  availability: 'online',
  rating: 5,
  timezone: 'UTC',
  avg_duration_min: 30,
}
