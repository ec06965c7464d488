// The operator dashboard: live over one WebSocket (stats, decisions and assignments streams), charts
// of throughput / outcome mix and latency, the interviewer grid, the decision explorer with explain,
// the weights editor, and the cluster and held views where the server has them. Events only mark
// the model dirty; the page redraws at most every RENDER_MS, so a flood is sampled.
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { DecisionEvent, HeldEntry, ServerPush, StateSnapshot, StatsEvent } from '../protocol.ts'
import { TimeChart, type Columns } from './charts.ts'
import { Explorer } from './explorer.ts'
import { filterRows, InterviewerGrid, type GridRow } from './grid.ts'
import { Live, type LinkState } from './live.ts'
import { api, boot, html } from './session.ts'
import { WeightsEditor } from './weights.ts'

const POINTS = 120
/** Window of the batched decision and assignment streams (ms). */
const PUSH_BATCH_MS = 100
const RECENT = 500
const SHOWN = 30
const RENDER_MS = 200

class Model {
  link: LinkState = 'connecting'
  linkDetail = ''
  readonly interviewers = new Map<number, GridRow>()
  recent: DecisionEvent[] = []
  stats: StatsEvent | null = null
  readonly offers = { offered: 0, accepted: 0, rejected: 0, expired: 0 }
  tp: Columns = [[], [], [], [], []]
  lat: Columns = [[], [], []]
  dirty = true

  load(s: StateSnapshot): void {
    this.interviewers.clear()
    for (const i of s.interviewers) this.interviewers.set(i.interviewer_id, { ...i, last: '' })
  }

  push(m: ServerPush): void {
    if (m.type !== 'event') return
    const e = m.event
    if (e.type === 'decision') {
      this.recent.push(e)
      if (this.recent.length > RECENT * 2) this.recent = this.recent.slice(-RECENT)
    } else if (e.type === 'assignment') {
      const row = this.interviewers.get(e.interviewer_id)
      if (row) {
        row.current_queue = e.current_queue
        row.last = e.state
      }
    } else if (e.type === 'availability') {
      const row = this.interviewers.get(e.interviewer_id)
      if (row) row.availability = e.availability
    } else if (e.type === 'stats') this.#stats(e)
    this.dirty = true
  }

  #stats(e: StatsEvent): void {
    this.stats = e
    for (const k of ['offered', 'accepted', 'rejected', 'expired'] as const) this.offers[k] += e.offers[k]
    const t = Date.parse(e.at) / 1000
    const o = e.outcomes
    const cols = (c: Columns, values: number[]) => {
      const next = c.map((col, i) => [...col.slice(-(POINTS - 1)), i === 0 ? t : values[i - 1]]) as Columns
      return next
    }
    this.tp = cols(this.tp, [e.throughput, o.assigned / e.window_s, o.queued / e.window_s, (o.no_candidates + o.at_capacity + o.user_not_found + o.expired) / e.window_s])
    this.lat = cols(this.lat, [e.latency_us.p50 / 1000, e.latency_us.p99 / 1000])
  }
}

function Optional(props: { id: string; title: string; path: string; render: (data: unknown) => unknown }) {
  const [data, setData] = useState<unknown>(undefined)
  const [note, setNote] = useState('loading…')
  const load = () =>
    api<unknown>('GET', props.path).then(setData, (err: { code?: string; message: string }) => {
      setData(undefined)
      setNote(err.code === 'not_found' ? `this server has no ${props.path}` : `${err.code}: ${err.message}`)
    })
  useEffect(() => void load(), [])
  return html`<section class="panel" id=${props.id}><h2>${props.title} <button onClick=${load}>refresh</button></h2>${data === undefined ? html`<p class="muted">${note}</p>` : props.render(data)}</section>`
}

/** Held requests, best first as the server ranks them, with the longest wait and the share still within sla_min. */
function HeldList(props: { held: HeldEntry[] }) {
  const h = props.held
  if (h.length === 0) return html`<p class="muted">no request is held</p>`
  const longest = Math.max(...h.map((x) => x.waited_min))
  const within = h.filter((x) => x.waited_min <= x.sla_min).length
  return html`<div>
    <p>${h.length} held · longest wait ${longest.toFixed(1)} min · ${((100 * within) / h.length).toFixed(0)} % still within sla_min</p>
    <table><thead><tr><th>#</th><th>request</th><th>user</th><th>language</th><th>priority (effective)</th><th>waited</th><th>sla</th><th>estimated wait</th></tr></thead>
      <tbody>${h.slice(0, 50).map((x) => html`<tr><td>${x.queue_position}</td><td>${x.request_id ?? x.decision_id}</td><td>${x.user_id}</td><td>${x.language}${x.sensitivity ? ' (sensitive)' : ''}</td><td>${x.priority} (${x.effective_priority.toFixed(1)})</td><td>${x.waited_min.toFixed(1)} min</td><td>${x.sla_min} min</td><td>${x.estimated_wait_min === null ? 'not yet observed' : `${x.estimated_wait_min} min`}</td></tr>`)}</tbody>
    </table>
  </div>`
}

function App(props: { model: Model }) {
  const m = props.model
  const [, setFrame] = useState(0)
  const [filter, setFilter] = useState('')
  const [selected, setSelected] = useState<DecisionEvent | null>(null)
  useEffect(() => {
    let raf = 0
    let drawn = 0
    const loop = (now: number) => {
      // Data changes redraw at most every RENDER_MS: under a flood the page shows a sample, and the
      // frames in between stay free for scrolling and input.
      if (m.dirty && now - drawn >= RENDER_MS) {
        m.dirty = false
        drawn = now
        setFrame((n) => n + 1)
      }
      raf = requestAnimationFrame(loop)
    }
    raf = requestAnimationFrame(loop)
    return () => cancelAnimationFrame(raf)
  }, [])
  const s = m.stats
  const rows = filterRows(m.interviewers.values(), filter)
  const shown = m.recent.slice(-SHOWN).reverse()
  return html`<div class="page">
    <header>
      <h1>Router dashboard</h1>
      <span id="link-state" class=${`link link-${m.link}`}>${m.link === 'reconnecting' ? `reconnecting… (${m.linkDetail})` : m.link === 'refused' ? `refused: ${m.linkDetail}` : m.link}</span>
      <span class="muted">${s ? `node ${s.node_id}` : ''}</span>
      <a href="/console">console</a> · <a href="/docs">API</a>
    </header>
    <section class="kpis" id="kpis">
      <div><b id="kpi-throughput">${s ? s.throughput.toFixed(0) : '—'}</b> decisions/s</div>
      <div><b>${s ? (s.latency_us.p99 / 1000).toFixed(2) : '—'}</b> ms p99</div>
      <div><b id="kpi-online">${s ? s.queue.online : '—'}</b> online of ${s?.queue.interviewers ?? '—'}</div>
      <div><b>${s ? `${s.queue.current_queue}/${s.queue.capacity}` : '—'}</b> queued/capacity</div>
      <div><b id="kpi-held">${s ? s.queue.held : '—'}</b> held</div>
      <div id="kpi-offers">offers: ${m.offers.offered} offered · ${m.offers.accepted} accepted · ${m.offers.rejected} rejected · ${m.offers.expired} expired${s?.offers.accept_ms_p50 != null ? ` · ${s.offers.accept_ms_p50} ms to accept` : ''}</div>
    </section>
    <section class="charts">
      <${TimeChart} id="chart-throughput" title="Throughput and outcome mix" unit="per s" series=${['all', 'assigned', 'queued', 'refused']} data=${m.tp} />
      <${TimeChart} id="chart-latency" title="Route latency" unit="ms" series=${['p50', 'p99']} data=${m.lat} />
    </section>
    <section class="panel" id="interviewers">
      <h2>Interviewers <input id="grid-filter" placeholder="filter by language / topic" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} /></h2>
      <${InterviewerGrid} rows=${rows} total=${m.interviewers.size} />
    </section>
    <section class="panel" id="decisions">
      <h2>Latest decisions <span class="muted">(${m.recent.length > SHOWN ? `newest ${SHOWN} of a sample` : m.recent.length})</span></h2>
      <table class="recent"><tbody>
        ${shown.map(
          (d) => html`<tr key=${d.decision_id} data-decision-id=${d.decision_id} data-request-id=${d.request_id ?? ''} onClick=${() => setSelected(d)}>
            <td>${d.at.slice(11, 23)}</td><td>user ${d.user_id}</td><td class=${`st-${d.status}`}>${d.status}</td><td>${d.interviewer_id ?? '—'}</td><td>${d.score ?? ''}</td><td>v${d.weights_version}</td><td>${d.latency_us} µs</td>
          </tr>`,
        )}
      </tbody></table>
    </section>
    <${Explorer} recent=${m.recent} selected=${selected} select=${setSelected} />
    <${WeightsEditor} />
    <${Optional} id="held" title="Held requests (this node)" path="/v1/held" render=${(d: unknown) => html`<${HeldList} held=${(d as { held: HeldEntry[] }).held} />`} />
    <${Optional} id="cluster" title="Cluster" path="/v1/cluster" render=${(d: unknown) => html`<pre>${JSON.stringify(d, null, 1).slice(0, 4000)}</pre>`} />
  </div>`
}

void boot(
  'dashboard',
  () => api('GET', '/v1/admin/weights'),
  (root, token) => {
    const model = new Model()
    const live: Live = new Live(token, {
      state: (s, detail) => {
        model.link = s
        model.linkDetail = detail
        model.dirty = true
      },
      push: (msg) => model.push(msg),
      open: () => {
        // Subscribe first, then load the grid: the snapshot is newer than any event that came before it.
        // Decisions and assignments come batched (one frame per PUSH_BATCH_MS): the page redraws at
        // most every 200 ms anyway, and thousands of frames a second cost the browser more than drawing.
        void Promise.all([
          live.request({ type: 'subscribe', stream: 'stats' }),
          live.request({ type: 'subscribe', stream: 'decisions', batch_ms: PUSH_BATCH_MS }),
          live.request({ type: 'subscribe', stream: 'assignments', batch_ms: PUSH_BATCH_MS }),
        ])
          .then(() => live.request<StateSnapshot>({ type: 'state' }))
          .then((s) => {
            model.load(s)
            model.dirty = true
          })
          .catch(() => {})
      },
    })
    live.connect()
    render(html`<${App} model=${model} />`, root)
  },
)
