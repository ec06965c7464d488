// `npm run cli -- <route|state|tail> ...`: a small command line on the SDK.
//   route --user 42 --topics FinTech,Chargebacks --language English --budget 75 --sla 30 [--sensitive] [--wait]
//   state [--id 7]
//   tail --stream decisions|assignments [--interviewer 7] [--status assigned] [--json]
// Common: --url http://127.0.0.1:8000 (or ws://…/v1/ws)  --token JWT  --msgpack
import { parseArgs } from 'node:util'
import { connect } from './sdk/index.ts'
import { RouterError } from './errors.ts'
import { wsUrl } from './ws-url.ts'
import type { AssignmentEvent, DecisionEvent, InterviewerState, StateSnapshot, Stream } from './protocol.ts'

const USAGE = `usage: npm run cli -- <command> [options]
  route  --user N --topics A,B --language L --budget N --sla MIN [--sensitive] [--wait] [--request-id ID]
  state  [--id N]
  tail   --stream decisions|assignments [--interviewer N] [--status S] [--json]
options: --url http://127.0.0.1:8000 (http(s) or ws(s); /v1/ws is added)  --token JWT  --msgpack`

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8000' },
    token: { type: 'string' },
    msgpack: { type: 'boolean', default: false },
    user: { type: 'string' },
    topics: { type: 'string', default: '' },
    language: { type: 'string', default: 'English' },
    budget: { type: 'string', default: '100' },
    sla: { type: 'string', default: '30' },
    sensitive: { type: 'boolean', default: false },
    wait: { type: 'boolean', default: false },
    'request-id': { type: 'string' },
    id: { type: 'string' },
    stream: { type: 'string', default: 'decisions' },
    interviewer: { type: 'string' },
    status: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
})

function num(name: string, raw: string | undefined): number {
  const n = Number(raw)
  if (raw === undefined || raw === '' || !Number.isFinite(n)) throw new RouterError('invalid', `--${name} must be a number`)
  return n
}

const time = (iso: string) => iso.slice(11, 23)

function formatDecision(e: DecisionEvent): string {
  const who = e.interviewer_id === null ? '' : ` → interviewer ${e.interviewer_id} (score ${e.score?.toFixed(3)})`
  const bids = e.bids
    .slice(0, 3)
    .map((b) => `${b.interviewer_id}:${b.score.toFixed(2)}${b.source === 'remote' ? 'r' : ''}`)
    .join(' ')
  return `${time(e.at)}  ${e.status.padEnd(14)} user ${String(e.user_id).padEnd(6)}${who}  ${e.latency_us}µs  bids[${e.bids.length}] ${bids}`
}

function formatAssignment(e: AssignmentEvent): string {
  return `${time(e.at)}  ${(e.previous ?? '∅').padEnd(9)} → ${e.state.padEnd(9)} ${e.assignment_id}  interviewer ${e.interviewer_id}  user ${e.user_id}  queue ${e.current_queue}`
}

function formatState(s: InterviewerState): string {
  return `${String(s.interviewer_id).padStart(5)}  ${s.name.padEnd(24).slice(0, 24)} ${s.type.padEnd(5)} ${s.availability.padEnd(8)} queue ${s.current_queue}/${s.capacity}  cost ${s.cost}  ${s.languages.join(',')}  [${s.specializations.join(', ')}]`
}

async function main(): Promise<number> {
  const cmd = positionals[0]
  if (values.help || !cmd || !['route', 'state', 'tail'].includes(cmd)) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const tail = cmd === 'tail'
  const client = await connect(wsUrl(values.url), { token: values.token, encoding: values.msgpack ? 'msgpack' : 'json', reconnect: tail })
  try {
    if (cmd === 'route') {
      const result = await client.route({
        user_id: num('user', values.user),
        topics: values.topics
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        language: values.language,
        budget: num('budget', values.budget),
        sensitivity: values.sensitive,
        sla_min: num('sla', values.sla),
        ...(values.wait ? { wait: true } : {}),
        ...(values['request-id'] ? { request_id: values['request-id'] } : {}),
      })
      console.log(JSON.stringify(result, null, 2))
      return 0
    }
    if (cmd === 'state') {
      if (values.id !== undefined) console.log(values.json ? JSON.stringify(await client.state(num('id', values.id)), null, 2) : formatState(await client.state(num('id', values.id))))
      else {
        const snap: StateSnapshot = await client.state()
        if (values.json) console.log(JSON.stringify(snap, null, 2))
        else {
          for (const s of snap.interviewers) console.log(formatState(s))
          console.log(`total: ${snap.totals.interviewers} interviewers, ${snap.totals.online} online, queue ${snap.totals.current_queue}/${snap.totals.capacity}`)
        }
      }
      return 0
    }
    const stream = values.stream as Stream
    if (stream !== 'decisions' && stream !== 'assignments') throw new RouterError('invalid', '--stream must be decisions or assignments')
    const interviewer = values.interviewer === undefined ? undefined : num('interviewer', values.interviewer)
    client.on('event', (s, e) => {
      // The tail prints the decision and assignment streams; stats (a stream it does not subscribe to) is skipped.
      if (s !== stream || e.type === 'stats') return
      if (interviewer !== undefined && e.interviewer_id !== interviewer) return
      if (values.status && (e.type === 'decision' ? e.status : e.type === 'assignment' ? e.state : e.availability) !== values.status) return
      if (values.json) console.log(JSON.stringify(e))
      else if (e.type === 'decision') console.log(formatDecision(e))
      else if (e.type === 'assignment') console.log(formatAssignment(e))
      else console.log(`${e.at}  interviewer ${e.interviewer_id} ${e.previous} → ${e.availability} (${e.reason}; ${e.reoffered} offers re-offered)`)
    })
    client.on('dropped', (n) => console.error(`… ${n} events dropped (this terminal is reading too slowly)`))
    client.on('reconnecting', (n, ms) => console.error(`… disconnected; reconnecting (attempt ${n}) in ${ms} ms`))
    await client.subscribe(stream, stream === 'assignments' ? interviewer : undefined)
    console.error(`tailing ${stream}${interviewer !== undefined ? ` for interviewer ${interviewer}` : ''}${values.status ? ` with status ${values.status}` : ''}; Ctrl-C to stop`)
    await new Promise<void>((resolve) => process.once('SIGINT', resolve))
    return 0
  } finally {
    client.close()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof RouterError) console.error(`error (${err.code}): ${err.message}`)
    else console.error(err)
    process.exit(1)
  },
)
