// The slice of the Store the gateway reads (listings, health), in memory, for gateway tests.
import type { User } from '../../../actors/model/types.ts'
import type { GatewayStore } from '../../../server/gateway/index.ts'

export function fakeStore(users = 1000): GatewayStore {
  const make = (id: number): User => ({
    id,
    name: `User ${id}`,
    email: `u${id}@example.com`,
    age_band: '25-34',
    country: 'US',
    timezone: 'UTC',
    education: 'bachelor',
    industry: 'finance',
    level: 'mid',
    languages: ['English'],
    preferred_type: null,
    topics: ['FinTech'],
    created_at: '2026-01-01T00:00:00.000Z',
  })
  return {
    kind: 'pglite',
    location: 'memory',
    async ping() {},
    threadBusySeconds: () => null,
    async getUser(id) {
      return id >= 1 && id <= users ? make(id) : null
    },
    async userHistory() {
      return []
    },
    async listUsers({ page, limit, search }) {
      const all = Array.from({ length: users }, (_, i) => make(i + 1)).filter((u) => !search || u.name.includes(search))
      return { items: all.slice((page - 1) * limit, page * limit), total: all.length, page, limit }
    },
    async getDecision() {
      return null
    },
    async getInterviewer() {
      return null
    },
    async weightsHistory() {
      return []
    },
    async weightsVersion() {
      return null
    },
    async listDecisions(q) {
      return { items: [], total: 0, page: q.page ?? 1, limit: q.limit ?? 50 }
    },
  }
}
