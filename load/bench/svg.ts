// A small dependency-free SVG chart renderer (line and bar) with axes, ticks, labels, legend and an
// optional log-scale x axis: enough for the plots BENCHMARKS.md links.
import type { BenchPlot } from './types.ts'

const W = 720
const H = 420
const M = { left: 78, right: 24, top: 72, bottom: 62 }
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f']

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** "Nice" tick values (1, 2, 5 × 10^k steps) from at or below lo to the first at or above hi. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / Math.max(1, count - 1)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  const ticks: number[] = []
  for (let v = Math.floor(lo / step) * step; ticks.length < 50; v += step) {
    ticks.push(Number(v.toPrecision(12)))
    if (v >= hi - step * 1e-9) break
  }
  return ticks
}

/** Legend item positions: left to right, wrapping to a second row (approximate text widths). */
function legendPositions(names: string[]): [number, number][] {
  let x = M.left
  let y = 40
  return names.map((name) => {
    const w = 17 + name.length * 6.6 + 18
    if (x + w > W - M.right && x > M.left) {
      x = M.left
      y += 15
    }
    const at: [number, number] = [x, y]
    x += w
    return at
  })
}

/** Powers of ten from below lo to above hi (log axes). */
export function decades(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo))
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)))
  return Array.from({ length: b - a + 1 }, (_, i) => Number((10 ** (a + i)).toPrecision(12)))
}

export function formatTick(v: number): string {
  const a = Math.abs(v)
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`
  if (a === 0 || a >= 1) return `${Number(v.toPrecision(4))}`
  return `${Number(v.toPrecision(2))}`
}

export function renderSvg(plot: BenchPlot): string {
  const usable = ([x, y]: [number, number]): boolean => Number.isFinite(x) && Number.isFinite(y) && (!plot.log_x || x > 0) && (!plot.log_y || y > 0)
  const pts = plot.series.flatMap((s) => s.points).filter(usable)
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(plot.title)}</text>`,
  ]
  if (pts.length === 0) {
    out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`, '</svg>')
    return out.join('\n')
  }
  const bars = plot.kind === 'bar'
  const xs = pts.map(([x]) => x)
  const ys = pts.map(([, y]) => y)
  const tx = (v: number): number => (plot.log_x ? Math.log10(v) : v)
  let x0 = tx(Math.min(...xs))
  let x1 = tx(Math.max(...xs))
  if (x1 === x0) {
    x0 -= 1
    x1 += 1
  }
  // A linear x axis spans its nice ticks, so no tick falls outside the plot.
  const linearXTicks = bars || plot.log_x ? [] : niceTicks(x0, x1)
  if (linearXTicks.length > 1) {
    x0 = linearXTicks[0] as number
    x1 = Math.max(linearXTicks[linearXTicks.length - 1] as number, x1)
  }
  const yMax = Math.max(...ys)
  const ty = (v: number): number => (plot.log_y ? Math.log10(v) : v)
  const yTicks = plot.log_y ? decades(Math.min(...ys), yMax) : niceTicks(Math.min(0, ...ys), yMax > 0 ? yMax * 1.05 : 1)
  const y0 = plot.log_y ? Math.log10(yTicks[0] as number) : (yTicks[0] as number)
  const y1 = plot.log_y ? Math.log10(yTicks[yTicks.length - 1] as number) : Math.max(yTicks[yTicks.length - 1] as number, yMax)
  // Bars are placed by category (the distinct x values) so a bar chart never overlaps.
  const cats = [...new Set(xs)].sort((a, b) => a - b)
  const sx = (v: number): number => (bars ? M.left + ((cats.indexOf(v) + 0.5) / cats.length) * pw : M.left + ((tx(v) - x0) / (x1 - x0)) * pw)
  const sy = (v: number): number => M.top + ph - ((ty(v) - y0) / (y1 - y0 || 1)) * ph

  for (const t of yTicks) {
    const y = sy(t).toFixed(1)
    out.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`)
  }
  const xTicks = bars ? cats : plot.log_x ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, i) => 10 ** (Math.ceil(x0) + i)) : linearXTicks
  for (const t of xTicks) {
    const x = sx(t).toFixed(1)
    out.push(`<line x1="${x}" y1="${M.top + ph}" x2="${x}" y2="${M.top + ph + 5}" stroke="#333"/>`)
    out.push(`<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle">${formatTick(t)}</text>`)
  }
  out.push(`<line x1="${M.left}" y1="${M.top + ph}" x2="${W - M.right}" y2="${M.top + ph}" stroke="#333"/>`)
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="#333"/>`)
  out.push(`<text x="${M.left + pw / 2}" y="${H - 18}" text-anchor="middle">${escapeXml(plot.x_label)}${plot.log_x ? ' (log scale)' : ''}</text>`)
  out.push(`<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(plot.y_label)}${plot.log_y ? ' (log scale)' : ''}</text>`)

  const n = plot.series.length
  const legend = legendPositions(plot.series.map((s) => s.name))
  plot.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string
    const sp = s.points.filter(usable)
    if (bars) {
      const slot = (pw / cats.length) * 0.8
      const bw = slot / n
      for (const [x, y] of sp) {
        const left = sx(x) - slot / 2 + i * bw
        const base = M.top + ph
        const top = Math.min(base, sy(y))
        out.push(
          `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(base - top).toFixed(1)}" fill="${color}"><title>${escapeXml(`${s.name}: ${formatTick(y)}`)}</title></rect>`,
        )
      }
    } else {
      const sorted = [...sp].sort((a, b) => a[0] - b[0])
      const d = sorted.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`)
      if (sorted.length <= 40) for (const [x, y] of sorted) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`)
    }
    // Legend in rows under the title, outside the plot area, so it never covers data.
    const [lx, ly] = legend[i] as [number, number]
    out.push(`<rect x="${lx.toFixed(1)}" y="${ly - 5}" width="12" height="10" fill="${color}"/>`)
    out.push(`<text x="${(lx + 17).toFixed(1)}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`)
  })
  out.push('</svg>')
  return out.join('\n')
}
