// Parses and validates the seed CLI's flags (pure, so bad input is tested without a database).
import { LIMITS, type Sizes } from './generate/sizes.ts'
import { DEMO_SEED, DEMO_SIZES } from './index.ts'

export interface SeedArgs extends Sizes {
  seed: number
  reset: boolean
  /** Print the summary as one JSON line (for the benchmark) instead of text. */
  json: boolean
  help: boolean
}

export class ArgsError extends Error {
  readonly code = 'invalid_args'
  constructor(message: string) {
    super(message)
    this.name = 'ArgsError'
  }
}

export const USAGE = `usage: npm run seed -- [--users N] [--interviewers M] [--history-per-user K] [--seed S] [--reset] [--json]
  --users N             users to generate, ${LIMITS.users[0]}..${LIMITS.users[1].toLocaleString('en-US')} (default ${DEMO_SIZES.users})
  --interviewers M      interviewers, ${LIMITS.interviewers[0]}..${LIMITS.interviewers[1].toLocaleString('en-US')} (default ${DEMO_SIZES.interviewers})
  --history-per-user K  average past interviews per user, ${LIMITS.historyPerUser[0]}..${LIMITS.historyPerUser[1]} (default ${DEMO_SIZES.historyPerUser})
  --seed S              generator seed, 0..4294967295 (default ${DEMO_SEED}); same seed and sizes, same data
  --reset               delete existing data first (without it a non-empty database is refused)
  --json                print the summary as JSON
Database: DATABASE_URL (real Postgres) or, when unset, embedded PGlite in DATA_DIR (default ./data).`

const INT_FLAGS = {
  '--users': ['users', LIMITS.users],
  '--interviewers': ['interviewers', LIMITS.interviewers],
  '--history-per-user': ['historyPerUser', LIMITS.historyPerUser],
  '--seed': ['seed', [0, 4_294_967_295]],
} as const satisfies Record<string, readonly [keyof SeedArgs, readonly [number, number]]>
const BOOL_FLAGS = { '--reset': 'reset', '--json': 'json', '--help': 'help', '-h': 'help' } as const

export function parseSeedArgs(argv: readonly string[]): SeedArgs {
  const out: SeedArgs = { ...DEMO_SIZES, seed: DEMO_SEED, reset: false, json: false, help: false }
  const seen = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    if (flag in BOOL_FLAGS) {
      if (eq > 0) throw new ArgsError(`${flag} takes no value`)
      out[BOOL_FLAGS[flag as keyof typeof BOOL_FLAGS]] = true
      continue
    }
    if (!(flag in INT_FLAGS)) throw new ArgsError(`unknown argument ${JSON.stringify(arg)}`)
    if (seen.has(flag)) throw new ArgsError(`${flag} given twice`)
    seen.add(flag)
    const raw = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (raw === undefined || raw.startsWith('--')) throw new ArgsError(`${flag} needs a value`)
    const [key, [lo, hi]] = INT_FLAGS[flag as keyof typeof INT_FLAGS]
    const text = raw.replace(/_/g, '')
    const n = Number(text)
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new ArgsError(`${flag} must be a whole number, got ${JSON.stringify(raw)}`)
    if (n < lo || n > hi) throw new ArgsError(`${flag} must be from ${lo.toLocaleString('en-US')} to ${hi.toLocaleString('en-US')}, got ${n.toLocaleString('en-US')}`)
    out[key] = n
  }
  return out
}
