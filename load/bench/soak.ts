// Soak: commit throughput over time on real Postgres as the live tables grow, the way the routing
// core writes them (one decision and one assignment per route, earlier assignments completed in
// later batches, 4 batches in flight), on a fresh database as a new deployment starts. Prints routes/s
// per minute, the sequential scans of assignments and decisions in that minute, and last-5 vs first-5.
// Keys as in production: assignment and decision ids from the router's own generator (time-ordered
// prefix, actors/runtime/ids.ts) and request_ids as clients often make them, random UUIDs (the
// worst case for the unique index: every insert lands on a random leaf). `--keys counter` uses
// `a<n>`-style counters instead, the shape of earlier runs.
// `npx tsx load/bench/soak.ts [--minutes 30] [--batch 32] [--keys ids|counter]` (BENCH_DATABASE_URL overrides the admin URL).
import { randomBytes, randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import type { Assignment } from '../../actors/model/types.ts'
import { nextId } from '../../actors/runtime/ids.ts'
import type { AssignmentTransition, DecisionRecord } from '../../actors/ports.ts'
import { createPostgresStore } from '../../server/store/postgres.ts'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, batch: { type: 'string', default: '32' }, keys: { type: 'string', default: 'ids' } } })
const minutes = Number(values.minutes)
const batchSize = Number(values.batch)
if (!(minutes > 0) || !Number.isInteger(batchSize) || batchSize < 1) throw new Error('--minutes must be > 0 and --batch a positive integer')
if (values.keys !== 'ids' && values.keys !== 'counter') throw new Error('--keys must be ids or counter')
const counterKeys = values.keys === 'counter'
const IN_FLIGHT = 4

const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const name = `soak_${randomBytes(4).toString('hex')}`
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
await admin.unsafe(`create database "${name}"`)
const url = new URL(adminUrl)
url.pathname = `/${name}`
const store = await createPostgresStore({ url: url.toString() })
const stats = postgres(url.toString(), { max: 1, onnotice: () => {} })

let seq = 0
const open: string[] = []
let openHead = 0
function batch(): { assignments: Assignment[]; decisions: DecisionRecord[]; transitions: AssignmentTransition[] } {
  const at = new Date().toISOString()
  const assignments: Assignment[] = []
  const decisions: DecisionRecord[] = []
  for (let i = 0; i < batchSize; i++) {
    const n = ++seq
    const ids = counterKeys ? { id: `a${n}`, request_id: `r${n}`, decision_id: `d${n}` } : { id: nextId(), request_id: randomUUID(), decision_id: nextId() }
    const a: Assignment = { ...ids, user_id: n % 50_000, interviewer_id: n % 1000, score: 1, state: 'offered', created_at: at, updated_at: at }
    assignments.push(a)
    decisions.push({
      type: 'decision',
      decision_id: a.decision_id,
      request_id: a.request_id,
      user_id: a.user_id,
      status: 'assigned',
      interviewer_id: a.interviewer_id,
      score: 1,
      weights_version: 1,
      bids: [],
      skipped_hosts: [],
      latency_us: 100,
      node_id: 'soak',
      at,
      request: { user_id: a.user_id, topics: [], language: 'English', budget: 100, sensitivity: false, sla_min: 30 },
      result: { status: 'assigned', user_id: a.user_id, interviewer_id: a.interviewer_id, score: 1, current_queue: 1, assignment_id: a.id, decision_id: a.decision_id },
      assignment_id: a.id,
    } as unknown as DecisionRecord)
  }
  // Complete as many earlier assignments as this batch opens, once a backlog of 1000 has built up.
  const transitions: AssignmentTransition[] = []
  while (open.length - openHead > 1000 && transitions.length < batchSize) transitions.push({ id: open[openHead++], state: 'completed', at })
  if (openHead > 100_000) {
    open.splice(0, openHead)
    openHead = 0
  }
  for (const a of assignments) open.push(a.id)
  return { assignments, decisions, transitions }
}

const seqScans = async (): Promise<number> => {
  const [r] = await stats.unsafe<{ n: number }[]>(`select coalesce(sum(seq_scan), 0)::int as n from pg_stat_user_tables where relname in ('assignments', 'decisions')`)
  return r.n
}

try {
  await store.migrate()
  const perMinute: number[] = []
  const end = Date.now() + minutes * 60_000
  let routes = 0
  let stop = false
  const worker = async (): Promise<void> => {
    while (!stop) {
      await store.commit(batch())
      routes += batchSize
    }
  }
  const workers = Array.from({ length: IN_FLIGHT }, worker)
  let scans = await seqScans()
  console.log(`soak on ${store.location}: ${minutes} min, batches of ${batchSize}, ${IN_FLIGHT} in flight, keys ${values.keys}`)
  for (let m = 1; Date.now() < end; m++) {
    const from = routes
    await new Promise((r) => setTimeout(r, Math.min(60_000, end - Date.now())))
    const now = await seqScans()
    const rate = (routes - from) / 60
    perMinute.push(rate)
    console.log(`minute ${String(m).padStart(3)}: ${rate.toFixed(0).padStart(7)} routes/s  rows ${seq}  seq scans of assignments+decisions ${now - scans}`)
    scans = now
  }
  stop = true
  await Promise.all(workers)
  const k = Math.min(5, Math.floor(perMinute.length / 2)) || 1
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
  const first = mean(perMinute.slice(0, k))
  const last = mean(perMinute.slice(-k))
  console.log(`first ${k} min ${first.toFixed(0)} routes/s, last ${k} min ${last.toFixed(0)} routes/s: ${((100 * last) / first).toFixed(1)} %`)
} finally {
  await stats.end({ timeout: 1 })
  await store.close()
  await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {})
  await admin.end({ timeout: 1 })
}
