// A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
// a HELP, a TYPE or a sample of a family whose TYPE came first; a histogram's buckets must be
// cumulative and end with +Inf equal to its _count. Throws on the first violation, with the line.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Family {
  name: string
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'
  help: string | null
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*'
const VALUE = '[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (${VALUE})(?: -?[0-9]+)?$`)
const PAIR = new RegExp(`(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, 'g')
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(sample)
  if (own) return own
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue
    const f = families.get(sample.slice(0, -suffix.length))
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f
  }
  return undefined
}

export function parsePromText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline')
  const families = new Map<string, Family>()
  const lines = text.split('\n').slice(0, -1)
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`
    if (line === '') return
    if (line.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line)
      if (!m) {
        if (/^# (HELP|TYPE)\b/.test(line)) throw new Error(`malformed ${where}`)
        return
      }
      const [, kind, name, rest] = m
      const f = families.get(name)
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`unknown type at ${where}`)
        if (f?.samples.length || (f && f.type !== 'untyped')) throw new Error(`TYPE after samples or twice at ${where}`)
        if (f) f.type = rest as Family['type']
        else families.set(name, { name, type: rest as Family['type'], help: null, samples: [] })
      } else if (f) {
        if (f.help !== null) throw new Error(`HELP twice at ${where}`)
        f.help = rest
      } else families.set(name, { name, type: 'untyped', help: rest, samples: [] })
      return
    }
    const m = SAMPLE.exec(line)
    if (!m) throw new Error(`malformed sample at ${where}`)
    const [, name, rawLabels = '', rawValue] = m
    const f = familyOf(name, families)
    if (!f) throw new Error(`sample of an undeclared family at ${where}`)
    const labels: Record<string, string> = {}
    for (const [, k, v] of rawLabels.matchAll(PAIR)) {
      if (k in labels) throw new Error(`label ${k} twice at ${where}`)
      labels[k] = v.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    }
    const value = rawValue.endsWith('Inf') ? (rawValue.startsWith('-') ? -Infinity : Infinity) : Number(rawValue)
    f.samples.push({ name, labels, value })
  })
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f)
  return families
}

/** Buckets cumulative per label set, ending in le="+Inf" equal to _count. */
function checkHistogram(f: Family): void {
  const series = new Map<string, { les: number[]; counts: number[]; count?: number }>()
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    )
  for (const s of f.samples) {
    const key = keyOf(s.labels)
    const e = series.get(key) ?? { les: [], counts: [] }
    series.set(key, e)
    if (s.name === `${f.name}_bucket`) {
      if (s.labels.le === undefined) throw new Error(`${f.name}: bucket without le`)
      e.les.push(s.labels.le === '+Inf' ? Infinity : Number(s.labels.le))
      e.counts.push(s.value)
    } else if (s.name === `${f.name}_count`) e.count = s.value
  }
  for (const [key, e] of series) {
    for (let i = 1; i < e.les.length; i++) {
      if (!(e.les[i] > e.les[i - 1])) throw new Error(`${f.name}${key}: le not increasing`)
      if (e.counts[i] < e.counts[i - 1]) throw new Error(`${f.name}${key}: buckets not cumulative`)
    }
    if (e.les.at(-1) !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`)
    if (e.counts.at(-1) !== e.count) throw new Error(`${f.name}${key}: +Inf bucket differs from _count`)
  }
}

/** The value of one sample: family sample name plus labels (all must match); undefined if absent. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = familyOf(name, families)
  const s = f?.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v) && Object.keys(x.labels).length === Object.keys(labels).length)
  return s?.value
}
