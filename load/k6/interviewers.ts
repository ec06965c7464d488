// k6: virtual interviewer consoles taking offers and completing them while clients route at a
// constant rate, so queues drain and the run reaches a steady state.
import { check } from 'k6'
import exec from 'k6/execution'
import http from 'k6/http'
import { Rate } from 'k6/metrics'
import type { Options } from 'k6/options'
import { authHeaders, buildRouteRequest, DEFAULT_MIX, DEMO, httpRouteBody, makeRng, requestId } from './lib/builders.ts'
import { runConsole } from './lib/console.ts'
import { BASE_URL, INTERVIEWER_TOKEN, RUN_ID, TOKEN, num } from './lib/env.ts'

const INTERVIEWERS = num('INTERVIEWERS', DEMO.interviewers)
const RATE = num('RATE', 200)
const DURATION_S = num('DURATION_S', 120)
const SERVICE_MS = num('SERVICE_MS', 2000)
const P99_MS = num('P99_MS', 50)

const routeErrors = new Rate('route_errors')

export const options: Options = {
  scenarios: {
    consoles: {
      executor: 'per-vu-iterations',
      exec: 'interviewerConsole',
      vus: INTERVIEWERS,
      iterations: 1,
      maxDuration: `${DURATION_S + 30}s`,
    },
    clients: {
      executor: 'constant-arrival-rate',
      exec: 'route',
      startTime: '3s',
      rate: RATE,
      timeUnit: '1s',
      duration: `${DURATION_S}s`,
      preAllocatedVUs: 50,
      maxVUs: 1000,
    },
  },
  thresholds: {
    'http_req_duration{name:route}': [`p(99)<${P99_MS}`],
    route_errors: ['rate<0.01'],
    interviews_completed: ['count>0'],
  },
}

export function interviewerConsole(): void {
  runConsole({
    base_url: BASE_URL,
    token: INTERVIEWER_TOKEN,
    interviewer_id: exec.vu.idInTest,
    service_ms: SERVICE_MS,
    session_ms: (DURATION_S + 10) * 1000,
  })
}

const headers = authHeaders(TOKEN)

export function route(): void {
  const vu = exec.vu.idInTest
  const iter = exec.vu.iterationInScenario
  const req = buildRouteRequest(makeRng(vu * 7919 + iter), requestId(RUN_ID, vu, iter), DEFAULT_MIX)
  const res = http.post(`${BASE_URL}/v1/route`, httpRouteBody(req), { headers, tags: { name: 'route' } })
  routeErrors.add(res.status !== 200)
  check(res, { 'route answered 200': (r) => r.status === 200 })
}
