// Seeding progress: a live bar (rows, rate, ETA) on a terminal, plain periodic lines otherwise.

export interface ProgressSink {
  update(rows: number, total: number, label: string): void
  done(): void
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/** One progress line; `width` > 0 draws a bar of that many cells. */
export function formatProgress(rows: number, total: number, elapsedS: number, label: string, width = 0): string {
  const frac = total > 0 ? Math.min(1, rows / total) : 1
  const rate = elapsedS > 0 ? rows / elapsedS : 0
  const eta = rate > 0 ? (total - rows) / rate : Number.NaN
  const pct = `${(frac * 100).toFixed(1).padStart(5)}%`
  const bar = width > 0 ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : ''
  return `${bar}${pct} ${fmt(rows)}/${fmt(total)} rows  ${fmt(rate)} rows/s  ETA ${formatEta(eta)}  ${label}`
}

export function createProgress(out: NodeJS.WriteStream, tty = Boolean(out.isTTY)): ProgressSink {
  const t0 = performance.now()
  // A terminal repaints at most 10×/s; a log gets a line every 2 s so CI output stays short.
  const every = tty ? 100 : 2000
  let last = -Infinity
  let drawn = false
  let lastLine = ''
  return {
    update(rows, total, label) {
      const now = performance.now()
      if (now - last < every && rows < total) return
      last = now
      lastLine = formatProgress(rows, total, (now - t0) / 1000, label, tty ? 30 : 0)
      if (tty) {
        out.write(`\r${lastLine}\x1b[K`)
        drawn = true
      } else out.write(`seed: ${lastLine}\n`)
    },
    done() {
      if (tty && drawn) out.write('\n')
    },
  }
}
