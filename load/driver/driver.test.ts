// The load driver against a local stand-in server: counts, outcomes, and that the invariant
// checks catch over-booking, forgotten request_ids and refuse non-loopback targets.
import { afterEach, describe, expect, it } from 'vitest'
import { parseArgs, UsageError } from './args.ts'
import { capacityViolations, replayViolation, spread, stateRows } from './invariants.ts'
import { busyPct, runLoad, verdict } from './run.ts'
import { coefficientOfVariation } from './stats.ts'
import { startStub, type Stub } from './stub-server.ts'

let stub: Stub | undefined
afterEach(async () => {
  await stub?.close()
  stub = undefined
})

const opts = (url: string, extra: string[]) => parseArgs(['--url', url, '--duration', '1s', '--workers', '2', ...extra], 2)

describe('load driver', () => {
  it('ws-burst (open loop, msgpack): every request answered, outcomes counted, invariants hold', async () => {
    stub = await startStub({ interviewers: 10, capacity: 1000 })
    const r = await runLoad(opts(stub.url, ['--scenario', 'ws-burst', '--rate', '400', '--conns', '4']))
    expect(r.sent).toBe(400)
    expect(r.done).toBe(400)
    expect(r.outcomes).toEqual({ assigned: 400 })
    expect(r.errors).toEqual({})
    expect(r.latency_ms.max).toBeGreaterThan(0)
    expect(r.invariants.checked).toBe(true)
    expect(r.invariants.replayed).toBeGreaterThanOrEqual(200)
    expect(r.invariants.violations).toEqual([])
    expect(r.invariants.cv).toBeLessThan(0.5)
    // The server's busy counters (/metrics) were read; their share depends on the machine's speed and
    // load, so the arithmetic is checked on fixed samples below, not here.
    expect(r.cpu.server_loop_busy_pct).not.toBeNull()
    expect(r.cpu.server_store_busy_pct).not.toBeNull()
  })

  it('busy shares come from two samples of the busy counters over the wall time between them', () => {
    const a = { at: 1_000, store: 2, loop: 10 }
    const b = { at: 3_000, store: 3, loop: 11.8 }
    expect(busyPct(a, b, 'store')).toBe(50)
    expect(busyPct(a, b, 'loop')).toBeCloseTo(90, 9)
    // Counters that grew faster than the wall clock (sampling skew) are capped; missing data is null.
    expect(busyPct(a, { ...b, loop: 20 }, 'loop')).toBe(100)
    expect(busyPct(a, { ...b, store: null }, 'store')).toBeNull()
    expect(busyPct(null, b, 'store')).toBeNull()
    expect(busyPct(b, a, 'store')).toBeNull()
  })

  it('http-burst closed loop (pipelined) answers every request it sends', async () => {
    stub = await startStub({ interviewers: 5, capacity: 1_000_000 })
    const r = await runLoad(opts(stub.url, ['--scenario', 'http-burst', '--rate', 'max', '--conns', '4', '--pipeline', '4', '--http-pipelining', '--no-check']))
    expect(r.sent).toBeGreaterThan(0)
    expect(r.done).toBe(r.sent)
    expect(Object.keys(r.outcomes)).toEqual(['assigned'])
  })

  it('http-burst --complete drains queues over HTTP', async () => {
    stub = await startStub({ interviewers: 2, capacity: 2 })
    const r = await runLoad(opts(stub.url, ['--scenario', 'http-burst', '--rate', '200', '--conns', '2', '--complete', '--service-ms', '50']))
    expect(r.outcomes.assigned ?? 0).toBeGreaterThan(20)
    expect(r.side['complete:ok'] ?? 0).toBeGreaterThan(20)
    expect(r.invariants.violations).toEqual([])
  })

  it('interviewers scenario completes its assignments so queues drain', async () => {
    stub = await startStub({ interviewers: 4, capacity: 2 })
    const r = await runLoad(opts(stub.url, ['--scenario', 'interviewers', '--rate', '200', '--conns', '2', '--service-ms', '100', '--encoding', 'json', '--interviewers', '4']))
    expect(r.outcomes.assigned ?? 0).toBeGreaterThan(8)
    expect(r.side['complete:ok'] ?? 0).toBeGreaterThan(0)
    expect(r.side['availability:ok']).toBe(4)
    expect(r.invariants.violations).toEqual([])
  })

  it('detects over-booking and forgotten request_ids', async () => {
    stub = await startStub({ interviewers: 2, capacity: 3, overbook: true, forget: true })
    const r = await runLoad(opts(stub.url, ['--scenario', 'ws-burst', '--rate', '100', '--conns', '2']))
    const checks = new Set(r.invariants.violations.map((v) => v.check))
    expect(checks).toContain('capacity')
    expect(checks).toContain('replay')
  })

  it('refuses non-loopback targets and bad flags', () => {
    expect(() => parseArgs(['--url', 'http://example.com:8000'], 2)).toThrow(UsageError)
    expect(() => parseArgs(['--url', 'http://10.0.0.1'], 2)).toThrow(UsageError)
    expect(() => parseArgs(['--scenario', 'nope'], 2)).toThrow(UsageError)
    expect(() => parseArgs(['--duration', 'forever'], 2)).toThrow(UsageError)
    expect(parseArgs(['--url', 'http://localhost:9/'], 4)).toMatchObject({ url: 'http://localhost:9', workers: 3 })
    expect(parseArgs(['--rate', 'max', '--duration', '2m'], 1)).toMatchObject({ rate: null, duration_ms: 120_000, workers: 1 })
  })
})

describe('invariant checks (pure)', () => {
  it('flags interviewers over capacity', () => {
    const rows = stateRows({
      interviewers: [
        { interviewer_id: 1, capacity: 2, current_queue: 3 },
        { interviewer_id: 2, capacity: 2, current_queue: 2 },
      ],
    })
    expect(rows).not.toBeNull()
    expect(capacityViolations(rows!).map((v) => v.check)).toEqual(['capacity'])
    expect(stateRows({ nope: 1 })).toBeNull()
  })

  it('flags a replay that answers another interviewer', () => {
    const ack = { request: { user_id: 1, topics: [], language: 'English', budget: 1, sensitivity: false, sla_min: 1, request_id: 'r' }, interviewer_id: 3, assignment_id: 'a' }
    expect(replayViolation(ack, { status: 'assigned', interviewer_id: 3, assignment_id: 'a' })).toBeNull()
    expect(replayViolation(ack, { status: 'assigned', interviewer_id: 4 })?.check).toBe('replay')
    expect(replayViolation(ack, { status: 'assigned', interviewer_id: 3, assignment_id: 'b' })?.check).toBe('replay')
  })

  it('computes the spread over online interviewers, zeros included', () => {
    expect(coefficientOfVariation([5, 5, 5])).toBe(0)
    expect(coefficientOfVariation([1])).toBeNull()
    const rows = [1, 2, 3, 4].map((i) => ({ interviewer_id: i, capacity: 1, current_queue: 0, availability: i === 4 ? 'offline' : 'online' }))
    expect(spread(rows, { 1: 10, 2: 10 })).toEqual({ cv: expect.closeTo(Math.SQRT2 / 2, 5), n: 3 })
  })
})

describe('saturation verdict', () => {
  const cpu = {
    server_pct: 0,
    server_busiest_thread_pct: 0,
    server_event_loop_pct: 0,
    driver_pct: 0,
    driver_busiest_thread_pct: 0,
    cores: 2,
    machine_pct: 0,
    server_store_busy_pct: null,
    server_loop_busy_pct: null,
  }
  it('names the side whose busiest thread is pegged', () => {
    expect(verdict({ ...cpu, server_busiest_thread_pct: 97, driver_busiest_thread_pct: 60 })).toBe('server')
    expect(verdict({ ...cpu, server_busiest_thread_pct: 50, driver_busiest_thread_pct: 99 })).toBe('driver')
    expect(verdict({ ...cpu, server_busiest_thread_pct: 50, driver_busiest_thread_pct: 50, machine_pct: 99 })).toBe('machine')
    // All cores busy, the server's threads using 4x the driver's CPU: the server is the limit.
    expect(verdict({ ...cpu, server_pct: 140, server_busiest_thread_pct: 70, driver_pct: 35, driver_busiest_thread_pct: 30, machine_pct: 99 })).toBe('server_cores')
    expect(verdict({ ...cpu, server_pct: 140, server_busiest_thread_pct: 70, driver_pct: 60, driver_busiest_thread_pct: 30, machine_pct: 99 })).toBe('machine')
    // The server's database thread busy nearly all the wall time: commits queue behind it.
    expect(verdict({ ...cpu, server_pct: 140, server_busiest_thread_pct: 68, driver_pct: 25, driver_busiest_thread_pct: 20, machine_pct: 84, server_store_busy_pct: 93 })).toBe('server_store')
    expect(verdict({ ...cpu, server_busiest_thread_pct: 68, driver_busiest_thread_pct: 99, server_store_busy_pct: 93 })).toBe('driver')
    expect(verdict({ ...cpu, server_busiest_thread_pct: 68, server_store_busy_pct: 60 })).toBe('neither')
    // Its event loop busy nearly all the wall time (CPU lower: it waits for a core on a busy machine).
    expect(
      verdict({ ...cpu, server_pct: 125, server_busiest_thread_pct: 77, driver_pct: 18, driver_busiest_thread_pct: 12, machine_pct: 73, server_store_busy_pct: 41, server_loop_busy_pct: 96 }),
    ).toBe('server_loop')
    expect(verdict({ ...cpu, server_busiest_thread_pct: 20 })).toBe('neither')
    expect(verdict({ ...cpu, server_busiest_thread_pct: null })).toBe('unknown')
  })
})
