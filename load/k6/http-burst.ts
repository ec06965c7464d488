// k6: the Terac demo's concurrent curl burst (POST /v1/route), scaled to thousands of requests/s.
import { check } from 'k6'
import exec from 'k6/execution'
import http from 'k6/http'
import { Counter, Rate } from 'k6/metrics'
import type { Options } from 'k6/options'
import { authHeaders, buildRouteRequest, DEFAULT_MIX, httpRouteBody, makeRng, requestId } from './lib/builders.ts'
import { BASE_URL, RUN_ID, TOKEN, num } from './lib/env.ts'

const PEAK = num('PEAK_RPS', 5000)
const P99_MS = num('P99_MS', 50)

const routeErrors = new Rate('route_errors')
const outcomes = new Counter('route_outcomes')

export const options: Options = {
  discardResponseBodies: false,
  scenarios: {
    http_burst: {
      executor: 'ramping-arrival-rate',
      startRate: 100,
      timeUnit: '1s',
      preAllocatedVUs: 200,
      maxVUs: 3000,
      stages: [
        { duration: '10s', target: PEAK },
        { duration: '30s', target: PEAK },
        { duration: '5s', target: 0 },
      ],
    },
  },
  thresholds: {
    http_req_duration: [`p(99)<${P99_MS}`],
    http_req_failed: ['rate<0.01'],
    route_errors: ['rate<0.01'],
  },
}

const headers = authHeaders(TOKEN)

export default function burst(): void {
  const vu = exec.vu.idInTest
  const iter = exec.vu.iterationInScenario
  const req = buildRouteRequest(makeRng(vu * 1_000_003 + iter), requestId(RUN_ID, vu, iter), DEFAULT_MIX)
  const res = http.post(`${BASE_URL}/v1/route`, httpRouteBody(req), { headers, tags: { name: 'route' } })
  const ok = res.status === 200
  routeErrors.add(!ok)
  let status = `http:${res.status}`
  if (ok && typeof res.body === 'string') {
    const body: unknown = JSON.parse(res.body)
    if (typeof body === 'object' && body !== null && 'status' in body && typeof body.status === 'string') status = body.status
  }
  outcomes.add(1, { status })
  check(res, { 'route answered 200': () => ok })
}
