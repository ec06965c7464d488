// Two server processes on one NATS and one Postgres, each hosting a static half of the
// interviewers (SHARD_COUNT=2), route correctly: every interviewer is booked once, never twice.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { connect, type NatsConnection } from 'nats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempDatabase, hasNats, hasPostgres, TEST_NATS_URL, uniquePrefix, type TempDatabase } from '../../test/helpers/services.ts'
import { createStore } from '../../server/store/index.ts'
import type { InterviewerState, RouteResult } from '../../client/protocol.ts'
import { interviewer, user } from '../testing/fixtures.ts'

const ok = (await hasNats()) && (await hasPostgres())
const NODE = fileURLToPath(new URL('../testing/node-proc.ts', import.meta.url))

describe.runIf(ok)('two server processes sharing one NATS', () => {
  let db: TempDatabase
  let nc: NatsConnection
  const procs: ChildProcess[] = []
  const prefix = uniquePrefix('two')

  beforeAll(async () => {
    db = await createTempDatabase('two')
    const store = await createStore({ databaseUrl: db.url, dataDir: '' })
    await store.migrate()
    await store.bulkLoad('users', [[1, 2, 3].map((i) => user(i))])
    await store.bulkLoad('interviewers', [[1, 2, 3, 4, 5, 6].map((id) => interviewer(id, { capacity: 1 }))])
    await store.close()
    nc = await connect({ servers: TEST_NATS_URL })
    for (const i of [0, 1]) {
      const p = spawn(process.execPath, ['--import', 'tsx', NODE, TEST_NATS_URL, db.url, prefix, String(i), '2', `proc-${i}`], { stdio: ['pipe', 'pipe', 'inherit'] })
      procs.push(p)
      await new Promise<void>((resolve, reject) => {
        p.once('exit', (code) => reject(new Error(`node ${i} exited with ${code}`)))
        p.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve())
      })
    }
  }, 60_000)

  afterAll(async () => {
    // A clean stop first (stdin closed); a node that does not exit within 10 s is killed.
    await Promise.all(
      procs.map(async (p) => {
        if (p.exitCode !== null) return
        const exited = new Promise((r) => p.once('exit', r))
        p.stdin?.end()
        const timer = setTimeout(() => p.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }),
    )
    await nc?.close()
    await db?.drop()
  }, 30_000)

  async function call<T>(node: number, cmd: unknown): Promise<T> {
    const m = await nc.request(`${prefix}.test.proc-${node}`, JSON.stringify(cmd), { timeout: 10_000 })
    const r = JSON.parse(new TextDecoder().decode(m.data)) as { ok: true; result: T } | { ok: false; code: string }
    if (!r.ok) throw Object.assign(new Error(r.code), { code: r.code })
    return r.result
  }

  it('books each interviewer once across both processes and sees one cluster-wide state', async () => {
    const req = { topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 600 }
    const results = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => call<RouteResult>(i % 2, { op: 'route', req: { ...req, user_id: 1 + (i % 3) } })))
    expect(
      results
        .filter((r) => r.status === 'assigned')
        .map((r) => r.interviewer_id)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6])
    expect(results.filter((r) => r.status === 'at_capacity')).toHaveLength(1)
    const state = await call<InterviewerState[]>(0, { op: 'state' })
    expect(state.map((s) => [s.interviewer_id, s.current_queue, s.node_id])).toEqual([1, 2, 3, 4, 5, 6].map((id) => [id, 1, `proc-${id % 2}`]))
    const onOther = results.find((r) => r.interviewer_id === 1) as RouteResult
    expect(await call(0, { op: 'complete', assignment_id: onOther.assignment_id })).toMatchObject({ interviewer_id: 1, current_queue: 0 })
    const store = await createStore({ databaseUrl: db.url, dataDir: '' })
    try {
      expect((await store.openAssignments()).map((a) => a.interviewer_id).sort()).toEqual([2, 3, 4, 5, 6])
    } finally {
      await store.close()
    }
  })
})
