// A routing node in its own process, for the two-process test: an engine on NATS and Postgres,
// driven over NATS (JSON on `<prefix>.test.<node_id>`) since it has no gateway here.
// Usage: tsx actors/testing/node-proc.ts <nats_url> <database_url> <prefix> <shard_index> <shard_count> <node_id>
import { createBus } from '../bus/index.ts'
import { Engine } from '../engine/engine.ts'
import { EngineError } from '../engine.ts'
import { createStore } from '../../server/store/index.ts'
import { silentLogger } from '../../server/log.ts'
import { testConfig } from './fixtures.ts'
import type { RouteRequest } from '../../client/protocol.ts'

const [natsUrl, databaseUrl, prefix, shardIndex, shardCount, nodeId] = process.argv.slice(2)
const store = await createStore({ databaseUrl, dataDir: '' })
const bus = await createBus({ natsUrl, name: nodeId })
const engine = new Engine({
  config: testConfig({ SUBJECT_PREFIX: prefix, NODE_ID: nodeId, SHARD_INDEX: shardIndex, SHARD_COUNT: shardCount, GATHER_DEADLINE_MS: '500' }),
  bus,
  store,
  log: silentLogger,
})
await engine.start()
const enc = new TextEncoder()
const dec = new TextDecoder()
type Cmd = { op: 'route'; req: RouteRequest } | { op: 'state' } | { op: 'complete'; assignment_id: string }
bus.subscribe(`${prefix}.test.${nodeId}`, (m) => {
  const cmd = JSON.parse(dec.decode(m.data)) as Cmd
  const run = cmd.op === 'route' ? engine.route(cmd.req) : cmd.op === 'state' ? engine.state() : engine.complete({ assignment_id: cmd.assignment_id })
  run.then(
    (result) => m.reply && bus.publish(m.reply, enc.encode(JSON.stringify({ ok: true, result }))),
    (err: unknown) => m.reply && bus.publish(m.reply, enc.encode(JSON.stringify({ ok: false, code: err instanceof EngineError ? err.code : 'internal' }))),
  )
})
await bus.flush()
process.stdout.write('ready\n')
const stop = async (): Promise<void> => {
  await engine.stop()
  await bus.close()
  await store.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()
