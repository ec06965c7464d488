// Dataset sizes, their limits and the exact history row count: faker-free, so the seeding main
// thread can plan and report progress without loading the generator's word pools.
import { Rng, STREAM } from './rng.ts'

export interface Sizes {
  users: number
  interviewers: number
  /** Average interviews per user (each user has 0..2K). */
  historyPerUser: number
}

export const LIMITS = {
  users: [100, 1_000_000],
  interviewers: [10, 100_000],
  historyPerUser: [0, 50],
} as const satisfies Record<keyof Sizes, readonly [number, number]>

export const DEFAULT_BATCH = 2_000

/** How many interviews a user has: uniform in [0, 2K], so K on average. */
export function historyCount(seed: number, userId: number, perUser: number): number {
  if (perUser <= 0) return 0
  return Rng.for(seed, STREAM.counts, userId).int(0, 2 * perUser)
}

/** History rows of users 1..userId-1: the id before userId's first interview. */
export function historyBefore(seed: number, userId: number, perUser: number): number {
  let n = 0
  for (let id = 1; id < userId; id++) n += historyCount(seed, id, perUser)
  return n
}

/** Exact number of history rows for these sizes (cheap: one hash per user). */
export function totalHistory(seed: number, sizes: Sizes): number {
  let n = 0
  for (let id = 1; id <= sizes.users; id++) n += historyCount(seed, id, sizes.historyPerUser)
  return n
}
