// k6: one virtual interviewer console over WebSocket — goes online, accepts offers and completes
// interviews after a service time, so a long run reaches a steady state instead of filling queues.
import { check } from 'k6'
import { Counter } from 'k6/metrics'
import ws from 'k6/ws'
import { classify, wsAccept, wsAvailability, wsComplete, wsSubscribeAssignments, wsUrl } from './builders.ts'

const completed = new Counter('interviews_completed')
const accepted = new Counter('offers_accepted')

export interface ConsoleOptions {
  base_url: string
  token: string | undefined
  interviewer_id: number
  /** How long an interview lasts before the console completes it. */
  service_ms: number
  /** How long this console stays online. */
  session_ms: number
}

export function runConsole(o: ConsoleOptions): void {
  let seq = 0
  const handled = new Set<string>()
  const res = ws.connect(wsUrl(o.base_url, o.token), null, (socket) => {
    const send = (msg: unknown): void => socket.send(JSON.stringify(msg))
    socket.on('open', () => {
      send(wsAvailability(++seq, o.interviewer_id, 'online'))
      send(wsSubscribeAssignments(++seq, o.interviewer_id))
    })
    socket.on('message', (data) => {
      const parsed = classify(JSON.parse(data))
      if (parsed === null || !('push' in parsed)) return
      const { push } = parsed
      const id = push.assignment_id
      if (id === undefined || handled.has(id)) return
      if (push.type === 'offer' || (push.type === 'event' && push.state === 'offered')) {
        accepted.add(1)
        send(wsAccept(++seq, id))
      }
      // Only active work can complete; accepted work waits behind the interviewer's current slot(s).
      if (push.state === 'active') {
        handled.add(id)
        socket.setTimeout(() => {
          completed.add(1)
          send(wsComplete(++seq, id))
        }, o.service_ms)
      }
    })
    socket.setTimeout(() => {
      send(wsAvailability(++seq, o.interviewer_id, 'offline'))
      socket.close()
    }, o.session_ms)
  })
  check(res, { 'console upgraded (101)': (r) => r !== null && r.status === 101 })
}
