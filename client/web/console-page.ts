// The interviewer console: go online / paused / offline (this socket then holds the interviewer's
// presence; online opts into remote bidding, answered with the server's own score, so offers come here), see the queue, accept or reject offers before their countdown
// ends, complete active interviews with an outcome, and a short history of this session.
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { AssignmentEvent, Availability, CompleteOutcome, InterviewerState, ServerPush, StateSnapshot } from '../protocol.ts'
import { type ApiError, Live, type LinkState } from './live.ts'
import { api, boot, claimsOf, html } from './session.ts'

type Offer = Extract<ServerPush, { type: 'offer' }>
const HISTORY = 10
const OPEN = new Set(['accepted', 'active'])

class Model {
  link: LinkState = 'connecting'
  me: number | null = null
  state: InterviewerState | null = null
  wanted: Availability | null = null
  readonly offers = new Map<string, Offer>()
  readonly open = new Map<string, AssignmentEvent>()
  history: AssignmentEvent[] = []
  message = ''
  changed: () => void = () => {}

  push(m: ServerPush): void {
    if (m.type === 'offer' && m.interviewer_id === this.me) this.offers.set(m.assignment_id, m)
    else if (m.type === 'event' && m.event.type === 'assignment' && m.event.interviewer_id === this.me) {
      const e = m.event
      if (e.state !== 'offered') this.offers.delete(e.assignment_id)
      if (OPEN.has(e.state)) this.open.set(e.assignment_id, e)
      else if (e.state !== 'offered') {
        this.open.delete(e.assignment_id)
        this.history = [e, ...this.history].slice(0, HISTORY)
      }
      if (this.state) this.state = { ...this.state, current_queue: e.current_queue }
    } else if (m.type === 'event' && m.event.type === 'availability' && m.event.interviewer_id === this.me && this.state) {
      this.state = { ...this.state, availability: m.event.availability }
    } else return
    this.changed()
  }
}

function Countdown(props: { until: string | null }) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(t)
  }, [])
  if (!props.until) return html`<span class="muted">no expiry</span>`
  const left = Math.max(0, Math.ceil((Date.parse(props.until) - now) / 1000))
  return html`<span class="countdown">${left} s left</span>`
}

function App(props: { model: Model; live: Live; fixed: boolean; pick: (id: number) => void; choices: InterviewerState[] }) {
  const m = props.model
  const [, setN] = useState(0)
  m.changed = () => setN((n) => n + 1)
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        m.message = ''
        m.changed()
      },
      (err: ApiError) => {
        m.message = `${err.code}: ${err.message}`
        m.changed()
      },
    )
  const setAv = (a: Availability) => {
    m.wanted = a
    act(
      props.live.request<InterviewerState>({ type: 'availability', interviewer_id: m.me, availability: a, remote_bidding: a === 'online' }).then((s) => {
        m.state = s
      }),
    )
  }
  const s = m.state
  return html`<div class="page">
    <header>
      <h1>Interviewer console</h1>
      <span id="link-state" class=${`link link-${m.link}`}>${m.link === 'reconnecting' ? 'reconnecting…' : m.link}</span>
      ${
        props.fixed
          ? html`<span>interviewer <b id="me">${m.me}</b></span>`
          : html`<label>interviewer <select id="picker" onChange=${(e: Event) => props.pick(Number((e.target as HTMLSelectElement).value))}>
              <option value="">choose…</option>
              ${props.choices.map((c) => html`<option value=${c.interviewer_id} selected=${c.interviewer_id === m.me}>${c.interviewer_id} · ${c.name} (${c.type})</option>`)}
            </select></label>`
      }
      <a href="/dashboard">dashboard</a>
    </header>
    ${m.message ? html`<p class="error" id="console-error">${m.message}</p>` : null}
    ${
      s
        ? html`<section class="panel" id="availability">
            <h2>${s.name} <span class="muted">${s.type} · ${s.languages.join(', ')} · ${s.specializations.join(', ')}</span></h2>
            <p>Availability: <b id="availability-now" class=${`av-${s.availability}`}>${s.availability}</b>
              ${(['online', 'paused', 'offline'] as const).map((a) => html` <button id=${`go-${a}`} disabled=${s.availability === a} onClick=${() => setAv(a)}>${a}</button>`)}</p>
            <p class="muted">${m.wanted ? 'This console holds the presence: if it closes, the server sets you offline after the grace period.' : 'Presence: this console has not set availability yet.'}</p>
            <p id="queue">Queue: <b>${s.current_queue}</b> of ${s.capacity} (concurrency ${s.concurrency})</p>
          </section>
          <section class="panel" id="offers">
            <h2>Offers</h2>
            ${m.offers.size === 0 ? html`<p class="muted">no offer waiting</p>` : null}
            ${[...m.offers.values()].map(
              (o) => html`<div class="offer" data-offer=${o.assignment_id}>user ${o.user_id} · score ${o.score} · <${Countdown} until=${o.expires_at} />
                <button class="accept" onClick=${() => act(props.live.request({ type: 'accept', assignment_id: o.assignment_id }))}>accept</button>
                <button class="reject" onClick=${() => act(props.live.request({ type: 'reject', assignment_id: o.assignment_id }).then(() => m.offers.delete(o.assignment_id)))}>reject</button></div>`,
            )}
          </section>
          <section class="panel" id="active">
            <h2>Active interviews</h2>
            ${m.open.size === 0 ? html`<p class="muted">none</p>` : null}
            ${[...m.open.values()].map(
              (a) => html`<div class="assignment" data-assignment=${a.assignment_id}>user ${a.user_id} · ${a.state} since ${a.at.slice(11, 19)}
                ${(['completed', 'no_show', 'abandoned'] as CompleteOutcome[]).map((outcome) => html` <button data-outcome=${outcome} onClick=${() => act(props.live.request({ type: 'complete', assignment_id: a.assignment_id, outcome }))}>${outcome}</button>`)}</div>`,
            )}
          </section>
          <section class="panel" id="history">
            <h2>This session</h2>
            <ul>${m.history.map((h) => html`<li data-history=${h.assignment_id}>${h.at.slice(11, 19)} · user ${h.user_id} · ${h.state}</li>`)}</ul>
          </section>`
        : html`<p class="muted">Choose who you are to start.</p>`
    }
  </div>`
}

void boot(
  'console',
  () => api('GET', '/v1/state/0').catch((err: ApiError) => (err.code === 'not_found' ? null : Promise.reject(err))),
  (root, token) => {
    const model = new Model()
    const sub = claimsOf(token)
    const fixed = sub?.role === 'interviewer' && /^\d+$/.test(sub.sub ?? '')
    let choices: InterviewerState[] = []
    let live: Live
    const draw = () => render(html`<${App} model=${model} live=${live} fixed=${fixed} pick=${pick} choices=${choices} />`, root)
    const follow = async () => {
      if (model.me === null) return
      await live.request({ type: 'subscribe', stream: 'assignments', interviewer_id: model.me })
      model.state = await live.request<InterviewerState>({ type: 'state', interviewer_id: model.me })
      // After a reconnect the new socket takes the presence back, and with it the offers.
      if (model.wanted) model.state = await live.request<InterviewerState>({ type: 'availability', interviewer_id: model.me, availability: model.wanted, remote_bidding: model.wanted === 'online' })
      model.changed()
    }
    const pick = (id: number) => {
      if (model.me !== null) void live.request({ type: 'unsubscribe', stream: 'assignments', interviewer_id: model.me }).catch(() => {})
      model.me = id
      model.wanted = null
      model.offers.clear()
      model.open.clear()
      model.history = []
      void follow().catch(() => {})
    }
    live = new Live(token, {
      state: (s) => {
        model.link = s
        model.changed()
      },
      push: (msg) => {
        // Offers come to interviewers that bid (remote bidding): the console bids the server's own score at once.
        if (msg.type === 'bid_request') void live.request({ type: 'bid', bid_id: msg.bid_id, score: msg.local_score }).catch(() => {})
        model.push(msg)
      },
      open: () => {
        if (!fixed)
          void live
            .request<StateSnapshot>({ type: 'state' })
            .then((s) => {
              choices = s.interviewers.slice(0, 500)
              draw()
            })
            .catch(() => {})
        void follow().catch(() => {})
      },
    })
    if (fixed) model.me = Number(sub?.sub)
    draw()
    live.connect()
  },
)
