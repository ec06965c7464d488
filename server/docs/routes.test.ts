// The contract's tables agree with the code they describe: every HTTP route the gateway mounts is in
// the OpenAPI document (and nothing else is), and the NATS operator subjects are the engine's.
import { describe, expect, it } from 'vitest'
import { subjects } from '../../actors/bus/subjects.ts'
import { HTTP_ROUTES, NATS_SUBJECTS } from '../../client/contract.ts'
import { httpRoutes } from '../gateway/http-routes.ts'

describe('contract tables', () => {
  it('list exactly the HTTP routes the gateway mounts', () => {
    // Building the table calls no handler, so no Service is needed.
    const mounted = httpRoutes({} as never, () => Promise.reject(new Error('unused')), {} as never).map((r) => `${r.method} ${r.path.replace(/:id/, '{id}')}`)
    const documented = HTTP_ROUTES.map((r) => `${r.method} ${r.path.replace(/\{\w+\}/, '{id}')}`)
    expect(documented.sort()).toEqual(mounted.sort())
  })

  it('name the subjects the engine publishes operator events on', () => {
    const s = subjects('router')
    const at = (address: string, vars: Record<string, string>) => address.replace(/\{(\w+)\}/g, (_, k: string) => vars[k])
    expect(at(NATS_SUBJECTS.decisions.address, { prefix: 'router' })).toBe(s.decisions)
    expect(at(NATS_SUBJECTS.assignments.address, { prefix: 'router', interviewer_id: '7' })).toBe(s.assignments(7))
    expect(at(NATS_SUBJECTS.heartbeats.address, { prefix: 'router', node_id: 'n1' })).toBe(s.heartbeat('n1'))
  })
})
