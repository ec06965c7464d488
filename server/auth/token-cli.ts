// `npm run token -- --role R --sub S [--ttl 1h]`: prints a signed JWT for the configured JWT_SECRET.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { ROLES } from '../../client/protocol.ts'
import { AuthError, isRole, parseTtl, signToken, subjectProblem } from './jwt.ts'

const USAGE = `usage: npm run token -- --role ${ROLES.join('|')} --sub SUBJECT [--ttl 1h]
  interviewer tokens use the interviewer id as subject (e.g. --role interviewer --sub 7)`

async function main(): Promise<number> {
  let values: { role?: string; sub?: string; ttl?: string; help?: boolean }
  try {
    ;({ values } = parseArgs({ options: { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '1h' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (!isRole(values.role) || !values.sub) {
    console.error(`--role (one of ${ROLES.join(', ')}) and --sub are required\n${USAGE}`)
    return 2
  }
  const problem = subjectProblem(values.sub, values.role)
  if (problem) {
    console.error(`${problem}\n${USAGE}`)
    return 2
  }
  const config = loadConfig()
  if (!config.JWT_SECRET) {
    console.error('JWT_SECRET is not set: the server runs in open local mode (no tokens needed on 127.0.0.1).\n' + 'Set JWT_SECRET (16+ characters) both here and for the server to mint tokens.')
    return 2
  }
  const token = await signToken(config.JWT_SECRET, { sub: values.sub, role: values.role, ttlS: parseTtl(values.ttl ?? '1h') })
  console.log(token)
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof AuthError) console.error(err.message)
    else console.error(err)
    process.exit(2)
  },
)
