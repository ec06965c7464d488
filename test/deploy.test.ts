// deploy/: the Grafana dashboard charts only metrics the server serves (or the coming stage
// histograms), and Prometheus scrapes every node service of docker-compose.yml.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { GatewayMetrics } from '../server/gateway/index.ts'

const ROOT = resolve(import.meta.dirname, '..')
const read = (p: string) => readFileSync(resolve(ROOT, p), 'utf8')

describe('deploy: Prometheus and Grafana', () => {
  it('every metric the Grafana dashboard queries is served by /metrics', () => {
    const dash = JSON.parse(read('deploy/grafana/dashboards/router.json')) as { panels: { targets: { expr: string }[] }[] }
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr))
    expect(exprs.length).toBeGreaterThan(5)
    // What /metrics renders: the gateway counters plus the engine and store lines of http-routes.ts.
    const served = new Set([...new GatewayMetrics().render().matchAll(/^# TYPE (\w+)/gm), ...read('server/gateway/http-routes.ts').matchAll(/# TYPE (\w+)/g)].map((m) => m[1]))
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(router_\w+?)(?:_bucket)?\b(?=[[{(\s)]|$)/g)].map((m) => m[1])))
    expect(used.size).toBeGreaterThan(5)
    for (const name of used) expect(served, name).toContain(name)
    expect(exprs.some((e) => e.includes('route_stage_seconds_bucket'))).toBe(true)
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
