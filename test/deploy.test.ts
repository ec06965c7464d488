// deploy/: the Grafana dashboard charts only metrics the server serves (or the coming stage
// histograms), and Prometheus scrapes every node service of docker-compose.yml.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { GatewayMetrics } from '../server/gateway/index.ts'
import { prometheus } from '../server/gateway/prometheus.ts'

const ROOT = resolve(import.meta.dirname, '..')
const read = (p: string) => readFileSync(resolve(ROOT, p), 'utf8')

describe('deploy: Prometheus and Grafana', () => {
  it('every metric the Grafana dashboard queries is served by /metrics', async () => {
    const dash = JSON.parse(read('deploy/grafana/dashboards/router.json')) as { panels: { targets: { expr: string }[] }[] }
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr))
    expect(exprs.length).toBeGreaterThan(5)
    // What /metrics renders: the registry over the gateway, engine and store figures, plus the two
    // route histograms (server/metrics/route-timings.ts).
    const engine = async () => ({ node_id: 'n', interviewers: 1, decisions: 1, outcomes: {}, open_assignments: 0, weights_version: 1, held: { size: 0, attempts: 0, scanned: 0 } })
    const text = await prometheus({ gateway: new GatewayMetrics(), engine, storeBusySeconds: () => 1 }).render()
    const served = new Set([...text.matchAll(/^# TYPE (\w+)/gm), ...read('server/metrics/route-timings.ts').matchAll(/name: '(\w+)'/g)].map((m) => m[1]))
    expect(served).toContain('route_stage_seconds')
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:router_|route_)\w+?)(?:_bucket)?(?=[[{(\s)]|$)/g)].map((m) => m[1])))
    expect(used.size).toBeGreaterThan(5)
    expect(used).toContain('route_stage_seconds')
    for (const name of used) expect(served, name).toContain(name)
  })

  it('Prometheus scrapes each server node of docker-compose.yml, and Grafana mounts the dashboard', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { build?: string; volumes?: string[] }> }
    const nodes = Object.entries(compose.services)
      .filter(([, s]) => s.build === '.')
      .map(([name]) => `${name}:8000`)
    const prom = parse(read('deploy/prometheus.yml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] }
    expect(prom.scrape_configs[0].static_configs[0].targets.sort()).toEqual(nodes.sort())
    expect(compose.services.grafana.volumes).toContain('./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro')
    expect(compose.services.prometheus.volumes?.[0]).toContain('./deploy/prometheus.yml')
  })
})
