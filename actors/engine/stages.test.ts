// Each route reports, once final, the phases it went through and the time spent in each stage.
import { describe, expect, it } from 'vitest'
import type { RouteRequest } from '../../client/protocol.ts'
import { LocalBus } from '../bus/local.ts'
import type { FinishedRoute } from '../router/route.ts'
import { FakeStore } from '../testing/fake-store.ts'
import { interviewer, testConfig, user } from '../testing/fixtures.ts'
import { silentLogger } from '../../server/log.ts'
import { Engine } from './engine.ts'

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 600 }

describe('route stages', () => {
  it('reports each route once with its phase path and non-negative stage times', async () => {
    const routes: FinishedRoute[] = []
    const store = new FakeStore({ users: [user(1)], interviewers: [interviewer(1, { capacity: 1 })] })
    const e = new Engine({ config: testConfig({ SUBJECT_PREFIX: 'stages' }), bus: new LocalBus(), store, log: silentLogger, onRoute: (r) => routes.push(r) })
    await e.start()
    try {
      expect((await e.route(REQ)).status).toBe('assigned')
      expect((await e.route({ ...REQ, user_id: 2 })).status).toBe('user_not_found')
      expect((await e.route({ ...REQ, wait: true })).status).toBe('queued')
    } finally {
      await e.stop()
    }
    expect(routes.map((r) => r.path)).toEqual([
      ['validated', 'scoring', 'committing', 'decided'],
      ['validated', 'decided'],
      ['validated', 'scoring', 'held'],
    ])
    for (const r of routes) for (const v of Object.values(r.times)) expect(v).toBeGreaterThanOrEqual(0)
    // Stages a route skipped stay 0: the unknown user was never scored or committed.
    expect(routes[1].times).toMatchObject({ gather_ms: 0, commit_wait_ms: 0, commit_ms: 0 })
    expect(routes[2].times).toMatchObject({ commit_wait_ms: 0, commit_ms: 0 })
  })
})
