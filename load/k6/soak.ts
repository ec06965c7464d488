// k6: a long, moderate mixed load (WS + HTTP routes, interviewer consoles) to catch leaks and drift.
import { check } from 'k6'
import exec from 'k6/execution'
import http from 'k6/http'
import { Rate, Trend } from 'k6/metrics'
import type { Options } from 'k6/options'
import ws from 'k6/ws'
import { authHeaders, buildRouteRequest, classify, DEFAULT_MIX, DEMO, httpRouteBody, makeRng, requestId, wsRoute, wsUrl } from './lib/builders.ts'
import { runConsole } from './lib/console.ts'
import { BASE_URL, INTERVIEWER_TOKEN, RUN_ID, TOKEN, num } from './lib/env.ts'

const MINUTES = num('SOAK_MIN', 30)
const RATE = num('RATE', 100)
const INTERVIEWERS = num('INTERVIEWERS', DEMO.interviewers)
const P99_MS = num('P99_MS', 100)

const wsRtt = new Trend('ws_route_rtt', true)
const routeErrors = new Rate('route_errors')

export const options: Options = {
  scenarios: {
    consoles: { executor: 'per-vu-iterations', exec: 'interviewerConsole', vus: INTERVIEWERS, iterations: 1, maxDuration: `${MINUTES + 2}m` },
    http_routes: {
      executor: 'constant-arrival-rate',
      exec: 'httpRoute',
      startTime: '5s',
      rate: RATE,
      timeUnit: '1s',
      duration: `${MINUTES}m`,
      preAllocatedVUs: 20,
      maxVUs: 500,
    },
    ws_sessions: {
      executor: 'constant-vus',
      exec: 'wsSession',
      startTime: '5s',
      vus: 20,
      duration: `${MINUTES}m`,
    },
  },
  thresholds: {
    'http_req_duration{name:route}': [`p(99)<${P99_MS}`],
    ws_route_rtt: [`p(99)<${P99_MS}`],
    route_errors: ['rate<0.001'],
  },
}

export function interviewerConsole(): void {
  runConsole({ base_url: BASE_URL, token: INTERVIEWER_TOKEN, interviewer_id: exec.vu.idInTest, service_ms: 5000, session_ms: (MINUTES * 60 + 60) * 1000 })
}

const headers = authHeaders(TOKEN)

export function httpRoute(): void {
  const vu = exec.vu.idInTest
  const iter = exec.vu.iterationInScenario
  const req = buildRouteRequest(makeRng(vu * 31 + iter), requestId(RUN_ID, `h${vu}`, iter), DEFAULT_MIX)
  const res = http.post(`${BASE_URL}/v1/route`, httpRouteBody(req), { headers, tags: { name: 'route' } })
  routeErrors.add(res.status !== 200)
}

/** One long-lived session sending a route every 500 ms, like a client backend. */
export function wsSession(): void {
  const vu = exec.vu.idInTest
  const iter = exec.vu.iterationInScenario
  const rng = makeRng(vu * 131 + iter)
  const sentAt = new Map<number, number>()
  let seq = 0
  const res = ws.connect(wsUrl(BASE_URL, TOKEN), null, (socket) => {
    socket.setInterval(() => {
      const id = ++seq
      sentAt.set(id, Date.now())
      socket.send(JSON.stringify(wsRoute(id, buildRouteRequest(rng, requestId(RUN_ID, `w${vu}.${iter}`, id), DEFAULT_MIX))))
    }, 500)
    socket.on('message', (data) => {
      const parsed = classify(JSON.parse(data))
      if (parsed === null || !('reply' in parsed) || typeof parsed.reply.re !== 'number') return
      const started = sentAt.get(parsed.reply.re)
      if (started === undefined) return
      sentAt.delete(parsed.reply.re)
      wsRtt.add(Date.now() - started)
      routeErrors.add(!parsed.reply.ok)
    })
    socket.setTimeout(() => socket.close(), 60_000)
  })
  check(res, { 'upgraded (101)': (r) => r !== null && r.status === 101 })
}
