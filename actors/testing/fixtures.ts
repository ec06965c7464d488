// Small deterministic users and interviewers for actor tests and benchmarks (not the seed generator).
import type { Interviewer } from '../../client/model.ts'
import type { User } from '../model/types.ts'
import { SENIORITY } from '../../client/model.ts'
import { USER_LEVELS } from '../model/types.ts'
import { loadConfig, type Config } from '../../server/config.ts'

export const LANGS = ['English', 'English', 'English', 'Spanish', 'French', 'German']
export const TOPICS = ['FinTech', 'Chargebacks', 'pricing', 'retention', 'payments', 'onboarding', 'fraud', 'lending']

export function user(id: number, over: Partial<User> = {}): User {
  return {
    id,
    name: `User ${id}`,
    email: `u${id}@example.com`,
    age_band: '25-34',
    country: 'US',
    timezone: 'UTC',
    education: 'bachelor',
    industry: 'finance',
    level: USER_LEVELS[id % USER_LEVELS.length],
    languages: ['English'],
    preferred_type: null,
    topics: ['FinTech'],
    created_at: '2026-01-01T00:00:00.000Z',
    ...over,
  }
}

export function interviewer(id: number, over: Partial<Interviewer> = {}): Interviewer {
  return {
    id,
    name: `Interviewer ${id}`,
    type: id % 5 === 0 ? 'ai' : 'human',
    languages: ['English'],
    specializations: ['FinTech'],
    seniority: 'mid',
    years_experience: 5,
    cost: 50,
    concurrency: 1,
    capacity: 3,
    clearance: false,
    availability: 'online',
    rating: 4,
    timezone: 'UTC',
    avg_duration_min: 30,
    ...over,
  }
}

/** A varied population: languages, topics, costs, clearance and capacity spread by id. */
export function population(n: number, start = 1): Interviewer[] {
  const out: Interviewer[] = []
  for (let id = start; id < start + n; id++) {
    out.push(
      interviewer(id, {
        languages: id % 7 === 0 ? ['English', LANGS[(id >> 3) % LANGS.length]] : [LANGS[id % LANGS.length]],
        specializations: [TOPICS[id % TOPICS.length], TOPICS[(id * 3 + 1) % TOPICS.length]],
        seniority: SENIORITY[id % SENIORITY.length],
        cost: 20 + (id % 9) * 10,
        concurrency: 1 + (id % 3),
        capacity: 4 + (id % 5),
        clearance: id % 4 === 0,
        rating: 3 + (id % 3) * 0.5,
        avg_duration_min: 20 + (id % 4) * 10,
      }),
    )
  }
  return out
}

export function testConfig(over: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ID: 'test-node', GATHER_DEADLINE_MS: '200', COMMIT_MAX_DELAY_MS: '1', ...over })
}
