// CPU figures from /proc (Linux): the server process found by its listening port, its busiest thread,
// and the whole machine, so a run can say whether the server or the driver saturated.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

const CLK_TCK = 100

/** user+sys clock ticks from a /proc/<pid>/stat or task stat line (fields 14 and 15). */
export function statTicks(stat: string): number {
  // The command name (field 2) may hold spaces; fields after its closing paren are fixed.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(rest[11]) + Number(rest[12])
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

/** The listening socket inodes for a TCP port, from /proc/net/tcp{,6}. */
export function listeningInodes(tables: string[], port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
  for (const table of tables) {
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f.length < 10) continue
      if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A') inodes.add(f[9] as string)
    }
  }
  return inodes
}

/** The pid listening on a local TCP port, or null (not Linux, or not ours to see). */
export function findPidByPort(port: number): number | null {
  const inodes = listeningInodes([read('/proc/net/tcp') ?? '', read('/proc/net/tcp6') ?? ''], port)
  if (inodes.size === 0) return null
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return null
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      let link: string
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      const m = /^socket:\[(\d+)\]$/.exec(link)
      if (m && inodes.has(m[1] as string)) return Number(pid)
    }
  }
  return null
}

export interface ProcSample {
  pid: number
  at: number
  ticks: number
  threads: Map<string, number>
}

export function sampleProcess(pid: number): ProcSample | null {
  const stat = read(`/proc/${pid}/stat`)
  if (stat === null) return null
  const threads = new Map<string, number>()
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const t = read(`/proc/${pid}/task/${tid}/stat`)
      if (t !== null) threads.set(tid, statTicks(t))
    }
  } catch {
    // Threads unreadable: the process total still stands.
  }
  return { pid, at: performance.now(), ticks: statTicks(stat), threads }
}

/** CPU % of one core between two samples: the process, its busiest thread, its main thread. */
export function processCpu(a: ProcSample, b: ProcSample): { pct: number; busiest_thread_pct: number; main_thread_pct: number } {
  const secs = (b.at - a.at) / 1000
  if (secs <= 0) return { pct: 0, busiest_thread_pct: 0, main_thread_pct: 0 }
  const toPct = (ticks: number): number => (ticks / CLK_TCK / secs) * 100
  let busiest = 0
  for (const [tid, ticks] of b.threads) busiest = Math.max(busiest, ticks - (a.threads.get(tid) ?? 0))
  const main = String(b.pid)
  return { pct: toPct(b.ticks - a.ticks), busiest_thread_pct: toPct(busiest), main_thread_pct: toPct((b.threads.get(main) ?? 0) - (a.threads.get(main) ?? 0)) }
}

export interface MachineSample {
  busy: number
  total: number
}

export function sampleMachine(): MachineSample | null {
  const line = read('/proc/stat')?.split('\n')[0]
  if (!line?.startsWith('cpu ')) return null
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const total = f.reduce((a, b) => a + b, 0)
  const idle = (f[3] ?? 0) + (f[4] ?? 0)
  return { busy: total - idle, total }
}

export const machineBusyPct = (a: MachineSample, b: MachineSample): number => (b.total === a.total ? 0 : ((b.busy - a.busy) / (b.total - a.total)) * 100)
