// A prom-client Histogram whose hot path is a few typed-array writes. prom-client's own
// observe() allocates a labels object and a hash string per call and took about 330 ns here
// (several calls per route); record() is a binary search over the bounds and two additions.
// The registry reads the counts at scrape time through get()/getForPromString(), in the shape
// prom-client's own Histogram produces, so /metrics renders them as any other histogram.
import { Histogram } from 'prom-client'

type Exported = Awaited<ReturnType<Histogram['get']>>

/** Latency bounds in seconds, 1-1.5-2-3-5-7 per decade from 10 µs to 10 s (fine enough for p99s). */
export const LATENCY_BUCKETS: readonly number[] = (() => {
  const out: number[] = []
  for (let e = -5; e <= 0; e++) for (const m of [1, 1.5, 2, 3, 5, 7]) out.push(Number((m * 10 ** e).toPrecision(2)))
  out.push(10)
  return out
})()

export class FastHistogram extends Histogram {
  readonly #label: string | null
  readonly #values: readonly string[]
  readonly #bounds: Float64Array
  /** Per label value: one count per bound, then the +Inf count. */
  readonly #counts: Float64Array[]
  readonly #sums: Float64Array
  readonly #totals: Float64Array

  /**
   * `label`: one label whose values are known up front (e.g. stage), or null for an unlabelled
   * histogram; `record(i, …)` then takes the value's index in `values`.
   */
  constructor(o: { name: string; help: string; label: string | null; values?: readonly string[]; buckets?: readonly number[] }) {
    const buckets = [...(o.buckets ?? LATENCY_BUCKETS)]
    super({ name: o.name, help: o.help, labelNames: o.label ? [o.label] : [], buckets, registers: [] })
    this.#label = o.label
    this.#values = o.label ? (o.values ?? []) : ['']
    this.#bounds = Float64Array.from(buckets)
    this.#counts = this.#values.map(() => new Float64Array(buckets.length + 1))
    this.#sums = new Float64Array(this.#values.length)
    this.#totals = new Float64Array(this.#values.length)
  }

  /** Counts one observation of `seconds` for label value number `i` (0 when unlabelled). */
  record(i: number, seconds: number): void {
    const b = this.#bounds
    // The first bound >= seconds (Prometheus buckets are `le`), or b.length for +Inf.
    let lo = 0
    let hi = b.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (b[mid] < seconds) lo = mid + 1
      else hi = mid
    }
    this.#counts[i][lo]++
    this.#sums[i] += seconds
    this.#totals[i]++
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist (they start at zero).
    if (!(#counts in this)) return
    for (const c of this.#counts) c.fill(0)
    this.#sums.fill(0)
    this.#totals.fill(0)
  }

  override get(): Promise<Exported> {
    return Promise.resolve(this.#export())
  }

  /** What prom-client's Registry reads when it renders text (it prefers this to get()). */
  getForPromString(): Promise<Exported> {
    return Promise.resolve(this.#export())
  }

  #export(): Exported {
    const name = this.#name()
    const values: Exported['values'] = []
    for (let i = 0; i < this.#values.length; i++) {
      const own: Record<string, string> = this.#label ? { [this.#label]: this.#values[i] } : {}
      const counts = this.#counts[i]
      let acc = 0
      for (let k = 0; k < this.#bounds.length; k++) {
        acc += counts[k]
        values.push({ labels: { le: this.#bounds[k], ...own }, value: acc, metricName: `${name}_bucket` })
      }
      values.push({ labels: { le: '+Inf', ...own }, value: this.#totals[i], metricName: `${name}_bucket` })
      values.push({ labels: own, value: this.#sums[i], metricName: `${name}_sum` })
      values.push({ labels: own, value: this.#totals[i], metricName: `${name}_count` })
    }
    return { name, help: this.#help(), type: 'histogram' as unknown as Exported['type'], aggregator: 'sum', collect: () => {}, values }
  }

  #name(): string {
    return (this as unknown as { name: string }).name
  }

  #help(): string {
    return (this as unknown as { help: string }).help
  }
}
