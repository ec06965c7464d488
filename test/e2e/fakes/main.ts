// A server process on the fake engine and store: the gateway's black-box tests can run before (or
// without) the real routing core. Same config and shutdown as server/main.ts.
import { loadConfig } from '../../../server/config.ts'
import { createLogger } from '../../../server/log.ts'
import { createGateway } from '../../../server/gateway/index.ts'
import { FakeEngine } from './engine.ts'
import { fakeStore } from './store.ts'

const config = loadConfig()
const log = createLogger(config.LOG_LEVEL)
const gateway = createGateway({ config, engine: new FakeEngine(), store: fakeStore(), busKind: 'fake', log })
const port = await gateway.listen()
console.log(`listening on http://${config.HOST}:${port}`)
const stop = async () => {
  await gateway.stop(2000)
  process.exit(0)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
