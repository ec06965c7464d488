// Runs docker-compose.yml's server nodes outside Docker: the same command and environment for each
// node service, with only the service host names pointed at this machine's Postgres and NATS.
// Three nodes start at once on one empty database, as `docker compose up` would start them.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { signToken } from '../../server/auth/jwt.ts'
import { createTempDatabase, hasNats, hasPostgres, TEST_NATS_URL, uniquePrefix, type TempDatabase } from '../helpers/services.ts'
import { get, post, startServer, type ServerHandle } from './server.ts'

interface ComposeService {
  command?: string[]
  environment?: Record<string, string>
  image?: string
  build?: string
}
const ROOT = resolve(import.meta.dirname, '../..')
const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> }
const nodeServices = Object.entries(compose.services).filter(([, s]) => s.build === '.')

const ready = (await hasPostgres()) && (await hasNats())

describe.skipIf(!ready)('docker-compose nodes, run outside Docker', () => {
  let db: TempDatabase
  const nodes: ServerHandle[] = []
  const secret = 'compose-test-secret-0123456789'
  let operator = ''

  beforeAll(async () => {
    db = await createTempDatabase('compose')
    const prefix = uniquePrefix('compose')
    operator = await signToken(secret, { sub: 'compose-test', role: 'operator' })
    const started = await Promise.all(
      nodeServices.map(([, svc]) => {
        const env = { ...svc.environment } as Record<string, string>
        // Only what names the compose network changes: its hosts become this machine's services.
        env.DATABASE_URL = db.url
        env.NATS_URL = TEST_NATS_URL
        env.JWT_SECRET = secret
        env.SUBJECT_PREFIX = prefix
        env.LOG_LEVEL = 'warn'
        delete env.PORT
        return startServer({ env })
      }),
    )
    nodes.push(...started)
  }, 120_000)

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.dispose()))
    await db?.drop()
  })

  it('runs the command the image runs, for three shard nodes', () => {
    expect(nodeServices).toHaveLength(3)
    for (const [, svc] of nodeServices) expect(svc.command).toEqual(['node', '--import', 'tsx', 'server/main.ts'])
    const shards = nodeServices.map(([, s]) => s.environment?.SHARD_INDEX).sort()
    expect(shards).toEqual(['0', '1', '2'])
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8')
    expect(dockerfile).toContain('CMD ["node", "--import", "tsx", "server/main.ts"]')
  })

  it('seeds the demo dataset exactly once although all nodes started together', async () => {
    const res = await get<{ total: number }>(`${nodes[0].url}/v1/users?limit=1`, operator)
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(1000)
  })

  it('requires a token (the nodes listen beyond loopback)', async () => {
    const res = await post(`${nodes[0].url}/v1/route`, { topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30, user_id: 42 })
    expect(res.status).toBe(401)
  })

  it('every node sees every interviewer, each hosted by exactly one node', async () => {
    for (const n of nodes) {
      const res = await get<{ interviewers: { interviewer_id: number; node_id: string }[] }>(`${n.url}/v1/state`, operator)
      expect(res.status).toBe(200)
      expect(res.body.interviewers).toHaveLength(100)
      const owners = new Map(res.body.interviewers.map((i) => [i.interviewer_id, i.node_id]))
      expect(new Set(owners.values())).toEqual(new Set(['node1', 'node2', 'node3']))
      for (const [id, node] of owners) expect(node).toBe(`node${(id % 3) + 1}`)
    }
  })

  it('routes from any node to interviewers hosted on the others, never over capacity', async () => {
    const body = { topics: ['payments', 'pricing'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 42 }
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => post<{ status: string; interviewer_id?: number }>(`${nodes[i % 3].url}/v1/route`, body, operator)))
    const assigned = replies.filter((r) => r.body.status === 'assigned')
    expect(assigned.length).toBeGreaterThan(0)
    const hosts = new Set(assigned.map((r) => r.body.interviewer_id! % 3))
    expect(hosts.size).toBeGreaterThan(1)
    const state = await get<{ interviewers: { current_queue: number; capacity: number }[] }>(`${nodes[1].url}/v1/state`, operator)
    for (const i of state.body.interviewers) expect(i.current_queue).toBeLessThanOrEqual(i.capacity)
    const total = state.body.interviewers.reduce((a, i) => a + i.current_queue, 0)
    expect(total).toBe(assigned.length)
  })
})
