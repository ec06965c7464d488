// Real Postgres and real NATS for integration tests. Each call gets a fresh, uniquely named
// database (dropped by the disposer), so suites never see each other's rows.
// With CI=true an unreachable service is a failure; elsewhere the suite is skipped with a warning.
import postgres from 'postgres'
import { connect } from 'nats'
import { randomBytes } from 'node:crypto'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_NATS_URL = process.env.TEST_NATS_URL || 'nats://127.0.0.1:4222'
const CI = /^(1|true)$/i.test(process.env.CI ?? '')

async function reachable(what: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe()
    return true
  } catch (err) {
    if (CI) throw new Error(`${what} is unreachable and CI=true: integration tests must not skip`, { cause: err })
    console.warn(`[tests] ${what} unreachable (${(err as Error).message}); skipping its integration suite`)
    return false
  }
}

let pgOk: Promise<boolean> | undefined
/** True when real Postgres is reachable; throws under CI when it is not. */
export function hasPostgres(): Promise<boolean> {
  pgOk ??= reachable(`Postgres at ${TEST_DATABASE_URL}`, async () => {
    const sql = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => {} })
    try {
      await sql`select 1`
    } finally {
      await sql.end({ timeout: 1 })
    }
  })
  return pgOk
}

let natsOk: Promise<boolean> | undefined
/** True when real NATS is reachable; throws under CI when it is not. */
export function hasNats(): Promise<boolean> {
  natsOk ??= reachable(`NATS at ${TEST_NATS_URL}`, async () => {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 3000 })
    await nc.close()
  })
  return natsOk
}

export interface TempDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** Creates an empty database on the test server; drop() removes it (terminating leftover sessions). */
export async function createTempDatabase(prefix = 't'): Promise<TempDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}"`)
  } finally {
    await admin.end({ timeout: 1 })
  }
  const u = new URL(TEST_DATABASE_URL)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    name,
    async drop() {
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`)
      } finally {
        await sql.end({ timeout: 1 })
      }
    },
  }
}

/** A subject prefix unique to one test, so suites sharing one NATS server never cross. */
export function uniquePrefix(base = 'test'): string {
  return `${base}_${randomBytes(5).toString('hex')}`
}
