// BENCHMARKS.md rendering: header, goal verdicts, tables, plot links, skipped and failed modules.
import { describe, expect, it } from 'vitest'
import { judge, renderMarkdown, type RunMeta } from './report.ts'

const meta: RunMeta = {
  date: '2026-01-01 00:00:00 UTC',
  commit: 'abc1234',
  dirty: false,
  quick: true,
  command: 'npm run bench -- --quick',
  duration_s: 61,
  machine: { cores: 2, cpu_model: 'Test CPU', memory_gib: 8, node: 'v20.19.0', platform: 'linux' },
}

describe('benchmark report', () => {
  it('judges ratios against goals', () => {
    expect(judge({ label: 'x', ours: 40, baseline: 100, unit: '/s', goal: { op: '>=', value: 0.3 } })).toEqual({ ratio: 0.4, pass: true })
    expect(judge({ label: 'x', ours: 6, baseline: 5, unit: 'ms', goal: { op: '<=', value: 1 } }).pass).toBe(false)
    expect(judge({ label: 'x', ours: 6, baseline: 5, unit: 'ms' }).pass).toBeNull()
  })

  it('renders header, goals, tables, plots, skipped and failed modules', () => {
    const md = renderMarkdown(meta, [
      {
        id: 'ws',
        section: {
          id: 'ws',
          title: 'WS',
          command: 'npm run bench -- --only ws',
          notes: ['a note'],
          tables: [{ title: 'T', columns: ['a', 'b|c'], rows: [[1234567, 0.123456]] }],
          plots: [{ id: 'ws-throughput', title: 'Throughput', x_label: 's', y_label: '/s', kind: 'line', series: [] }],
          ratios: [{ label: 'route vs echo', ours: 40, baseline: 100, unit: 'msg/s', goal: { op: '>=', value: 0.3 } }],
        },
      },
      { id: 'router', skipped: 'not here' },
      { id: 'seed', failed: 'boom' },
    ])
    expect(md).toContain('Commit: `abc1234`')
    expect(md).toContain('2 cores (Test CPU)')
    expect(md).toContain('**quick**')
    expect(md).toContain('| route vs echo | 40 msg/s | 100 msg/s | 0.400 | >= 0.3 | **pass** |')
    expect(md).toContain('| 1,234,567 | 0.1235 |')
    expect(md).toContain('| a | b\\|c |')
    expect(md).toContain('![Throughput](docs/bench/ws-throughput.svg)')
    expect(md).toContain('Skipped: not here')
    expect(md).toContain('**Failed**: boom')
  })
})
