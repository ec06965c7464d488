// The bench's quantile from two scrapes of a histogram: what happened between them, interpolated
// within a bucket as Prometheus' histogram_quantile does.
import { describe, expect, it } from 'vitest'
import { quantileMs } from './stages.ts'

const INF = Number.POSITIVE_INFINITY

describe('quantileMs', () => {
  it('reads only the observations between the scrapes, linear within the bucket', () => {
    const before: [number, number][] = [
      [0.001, 5],
      [0.002, 5],
      [0.004, 5],
      [INF, 5],
    ]
    // 10 new observations: 4 in (1, 2] ms, 6 in (2, 4] ms.
    const after: [number, number][] = [
      [0.001, 5],
      [0.002, 9],
      [0.004, 15],
      [INF, 15],
    ]
    expect(quantileMs(before, after, 0.2)).toBeCloseTo(1.5, 6)
    expect(quantileMs(before, after, 0.7)).toBeCloseTo(3, 6)
    expect(quantileMs(before, after, 1)).toBeCloseTo(4, 6)
  })

  it('is null with no new observations and the top bound when the rank is past it', () => {
    const h: [number, number][] = [
      [0.001, 1],
      [INF, 3],
    ]
    expect(quantileMs(h, h, 0.5)).toBeNull()
    expect(
      quantileMs(
        [
          [0.001, 0],
          [INF, 0],
        ],
        h,
        0.99,
      ),
    ).toBe(1)
  })
})
