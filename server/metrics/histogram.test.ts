// FastHistogram renders exactly what prom-client's own Histogram renders for the same observations.
import { Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { FastHistogram, LATENCY_BUCKETS } from './histogram.ts'

const VALUES = [0, 0.000004, 0.00001, 0.000011, 0.0007, 0.0015, 0.002, 0.0999, 0.1, 3, 10, 11, 1e6]

async function text(h: Histogram): Promise<string> {
  const reg = new Registry()
  reg.registerMetric(h)
  return reg.metrics()
}

describe('FastHistogram', () => {
  it('with a label: the same exposition as prom-client for the same values, every label value present', async () => {
    const ours = new FastHistogram({ name: 'h', help: 'help', label: 'stage', values: ['a', 'b'] })
    const theirs = new Histogram({ name: 'h', help: 'help', labelNames: ['stage'], buckets: [...LATENCY_BUCKETS], registers: [] })
    theirs.zero({ stage: 'a' })
    theirs.zero({ stage: 'b' })
    VALUES.forEach((v, i) => {
      ours.record(i % 2, v)
      theirs.observe({ stage: i % 2 === 0 ? 'a' : 'b' }, v)
    })
    expect(await text(ours)).toBe(await text(theirs))
  })

  it('unlabelled, and reset() empties it', async () => {
    const ours = new FastHistogram({ name: 'h', help: 'help', label: null, buckets: [0.001, 0.01] })
    const theirs = new Histogram({ name: 'h', help: 'help', buckets: [0.001, 0.01], registers: [] })
    for (const v of VALUES) {
      ours.record(0, v)
      theirs.observe(v)
    }
    expect(await text(ours)).toBe(await text(theirs))
    ours.reset()
    expect(await text(ours)).toContain('h_count 0')
  })
})
