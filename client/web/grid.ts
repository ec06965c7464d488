// A virtualised table: only the rows in view (plus a margin) are in the DOM, so 10,000 interviewers
// cost as much to render as forty. Fixed row height; the scroll position picks the slice.
import { useState } from 'preact/hooks'
import type { InterviewerState } from '../protocol.ts'
import { html } from './session.ts'

const ROW_PX = 24
const VIEW_ROWS = 16
const MARGIN = 8

export interface GridRow extends InterviewerState {
  /** State of the interviewer's latest assignment event, if any was seen. */
  last: string
}

export function InterviewerGrid(props: { rows: GridRow[]; total: number }) {
  const [top, setTop] = useState(0)
  const first = Math.max(0, Math.floor(top / ROW_PX) - MARGIN)
  const last = Math.min(props.rows.length, first + VIEW_ROWS + 2 * MARGIN)
  const slice = props.rows.slice(first, last)
  return html`<div>
    <div class="muted" id="grid-count">${props.rows.length} of ${props.total} interviewers</div>
    <div class="grid-head grid-row"><span>id</span><span>name</span><span>type</span><span>availability</span><span>occupancy</span><span>last</span><span>languages / topics</span><span>node</span></div>
    <div class="grid" style=${`height:${VIEW_ROWS * ROW_PX}px`} onScroll=${(e: Event) => setTop((e.target as HTMLElement).scrollTop)}>
      <div style=${`height:${props.rows.length * ROW_PX}px;position:relative`}>
        ${slice.map(
          (r, i) => html`<div class="grid-row" key=${r.interviewer_id} data-interviewer=${r.interviewer_id} style=${`position:absolute;top:${(first + i) * ROW_PX}px`}>
            <span>${r.interviewer_id}</span><span>${r.name}</span><span>${r.type}</span>
            <span class=${`av-${r.availability}`} data-field="availability">${r.availability}</span>
            <span data-field="occupancy"><meter max=${r.capacity} value=${r.current_queue}></meter> ${r.current_queue}/${r.capacity}</span>
            <span data-field="last">${r.last}</span>
            <span class="clip">${r.languages.join(', ')} · ${r.specializations.join(', ')}</span><span>${r.node_id}</span>
          </div>`,
        )}
      </div>
    </div>
  </div>`
}

/** Rows matching a filter: every word must appear in the languages or topics (case-insensitive); `id:N` picks one interviewer. */
export function filterRows(rows: Iterable<GridRow>, filter: string): GridRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
  const out: GridRow[] = []
  for (const r of rows) {
    if (words.length) {
      const id = words.find((w) => w.startsWith('id:'))
      if (id !== undefined && id !== `id:${r.interviewer_id}`) continue
      const hay = `${r.languages.join(' ')} ${r.specializations.join(' ')}`.toLowerCase()
      if (!words.every((w) => w.startsWith('id:') || hay.includes(w))) continue
    }
    out.push(r)
  }
  return out
}
