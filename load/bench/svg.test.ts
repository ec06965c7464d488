// The SVG renderer produces well-formed SVG with axes, ticks, legend and escaped labels.
import { describe, expect, it } from 'vitest'
import { decades, escapeXml, formatTick, niceTicks, renderSvg } from './svg.ts'

/** A minimal well-formedness check: every opened element is closed in order. */
function wellFormed(svg: string): boolean {
  const stack: string[] = []
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false
    } else stack.push(m[2] as string)
  }
  return stack.length === 0
}

describe('svg renderer', () => {
  it('renders a line chart with ticks, legend and escaped text', () => {
    const svg = renderSvg({
      id: 'x',
      title: 'p99 <ms> & rate',
      x_label: 's',
      y_label: 'req/s',
      kind: 'line',
      series: [
        {
          name: 'ws',
          points: [
            [1, 10],
            [2, 30],
            [3, 20],
          ],
        },
        {
          name: 'http',
          points: [
            [1, 5],
            [3, 15],
          ],
        },
      ],
    })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(wellFormed(svg)).toBe(true)
    expect(svg).toContain('p99 &lt;ms&gt; &amp; rate')
    expect(svg.match(/<path /g)).toHaveLength(2)
    expect(svg).toContain('>ws</text>')
    expect(svg).not.toMatch(/NaN|Infinity/)
  })

  it('keeps every x tick of a linear axis inside the plot when the data does not start at a round value', () => {
    const svg = renderSvg({
      id: 'r',
      title: 't',
      x_label: 'routes/s',
      y_label: 'ms',
      kind: 'line',
      log_y: true,
      series: [
        {
          name: 'p99',
          points: [
            [865, 17],
            [2164, 137],
            [4326, 238],
          ],
        },
      ],
    })
    const xs = [...svg.matchAll(/<line x1="(-?[\d.]+)" y1="358" x2="\1" y2="363"/g)].map((m) => Number(m[1]))
    expect(xs.length).toBeGreaterThan(2)
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(78)
      expect(x).toBeLessThanOrEqual(720 - 24)
    }
  })

  it('renders log-x and bar charts without NaN', () => {
    const log = renderSvg({
      id: 'l',
      title: 't',
      x_label: 'interviewers',
      y_label: 'µs',
      kind: 'line',
      log_x: true,
      series: [
        {
          name: 'p99',
          points: [
            [1000, 5],
            [10000, 9],
            [100000, 30],
          ],
        },
      ],
    })
    expect(wellFormed(log)).toBe(true)
    expect(log).toContain('(log scale)')
    for (const t of ['>1000<', '>10k<', '>100k<']) expect(log).toContain(t)
    const bar = renderSvg({
      id: 'b',
      title: 't',
      x_label: 'conns',
      y_label: 'msgs/s',
      kind: 'bar',
      series: [
        {
          name: 'echo',
          points: [
            [1, 100],
            [64, 900],
          ],
        },
        {
          name: 'route',
          points: [
            [1, 50],
            [64, 300],
          ],
        },
      ],
    })
    expect(wellFormed(bar)).toBe(true)
    expect(bar.match(/<rect [^>]*><title>/g)).toHaveLength(4)
    expect(bar).not.toMatch(/NaN|Infinity/)
  })

  it('renders a log-y chart with decade ticks, dropping non-positive values', () => {
    const svg = renderSvg({
      id: 'y',
      title: 't',
      x_label: 'p',
      y_label: 'ms',
      kind: 'line',
      log_y: true,
      series: [
        {
          name: 'a',
          points: [
            [0, 0],
            [1, 0.05],
            [2, 3],
            [3, 250],
          ],
        },
      ],
    })
    expect(wellFormed(svg)).toBe(true)
    for (const t of ['>0.01<', '>0.1<', '>1<', '>10<', '>100<', '>1000<']) expect(svg).toContain(t)
    expect(svg).not.toMatch(/NaN|Infinity/)
    expect(decades(0.05, 250)).toEqual([0.01, 0.1, 1, 10, 100, 1000])
  })

  it('renders an empty plot', () => {
    expect(wellFormed(renderSvg({ id: 'e', title: 't', x_label: 'x', y_label: 'y', kind: 'line', series: [] }))).toBe(true)
  })

  it('picks nice ticks and short labels', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10])
    expect(niceTicks(0, 0.9, 4)).toEqual([0, 0.5, 1])
    expect(niceTicks(0, 37_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000])
    expect(formatTick(1_500_000)).toBe('1.5M')
    expect(formatTick(25_000)).toBe('25k')
    expect(escapeXml('"a"')).toBe('&quot;a&quot;')
  })
})
