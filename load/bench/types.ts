// The contract between benchmark modules and the `npm run bench` harness that writes BENCHMARKS.md
// and the SVG plots under docs/bench/. A module measures; the harness renders.

export interface BenchContext {
  /** `npm run bench -- --quick`: smaller sizes, the whole suite in about a minute. */
  quick: boolean
  /** One line of progress for a long step (rendered as a live line by the harness). */
  progress(msg: string): void
  /** Scratch folder for this run (data dirs, temp files); removed by the harness. */
  tmpDir: string
  /** Real Postgres admin URL for benchmarks that need one (creates its own temp database). */
  databaseUrl: string
  natsUrl: string
}

export interface BenchTable {
  title: string
  columns: string[]
  rows: (string | number)[][]
}

export interface BenchPlot {
  /** File stem under docs/bench/, e.g. `router-latency` → docs/bench/router-latency.svg */
  id: string
  title: string
  x_label: string
  y_label: string
  kind: 'line' | 'bar'
  /** Log-scale x axis (e.g. number of interviewers). */
  log_x?: boolean
  /** Log-scale y axis (e.g. latencies spanning µs to seconds). */
  log_y?: boolean
  series: { name: string; points: [number, number][] }[]
}

/** A figure measured against a baseline in the same run, with the goal. */
export interface BenchRatio {
  label: string
  ours: number
  baseline: number
  unit: string
  /** e.g. ">= 0.30" of baseline; the harness marks pass/fail. */
  goal?: { op: '>=' | '<='; value: number }
}

export interface BenchSection {
  id: string
  title: string
  /** The command that reproduces this section alone. */
  command: string
  tables: BenchTable[]
  plots: BenchPlot[]
  ratios: BenchRatio[]
  notes: string[]
}

export type BenchModule = (ctx: BenchContext) => Promise<BenchSection>
