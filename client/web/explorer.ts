// The decision explorer: find decisions (by user, interviewer, or a recent request/decision id), open
// one to see every bid with its factors, and ask the server why any interviewer did not win.
import { useState } from 'preact/hooks'
import type { DecisionEvent, DecisionExplanation } from '../protocol.ts'
import type { ApiError } from './live.ts'
import { api, html } from './session.ts'

const FACTORS = ['topic', 'experience', 'cost', 'load', 'fairness', 'quality'] as const

export function Explorer(props: { recent: DecisionEvent[]; selected: DecisionEvent | null; select: (d: DecisionEvent | null) => void }) {
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<DecisionEvent[] | null>(null)
  const [error, setError] = useState('')
  const search = async (e: Event) => {
    e.preventDefault()
    setError('')
    const q = query.trim()
    const m = /^(user|interviewer)[: ]\s*(\d+)$/i.exec(q)
    try {
      if (m) {
        const key = m[1].toLowerCase() === 'user' ? 'user_id' : 'interviewer_id'
        setFound((await api<{ items: DecisionEvent[] }>('GET', `/v1/decisions?${key}=${m[2]}&limit=50`)).items)
      } else {
        // request_id or decision_id: the decisions seen live on this page.
        setFound(props.recent.filter((d) => d.request_id === q || d.decision_id === q))
      }
    } catch (err) {
      setError(`${(err as ApiError).code}: ${(err as Error).message}`)
    }
  }
  return html`<section class="panel" id="explorer">
    <h2>Decision explorer</h2>
    <form onSubmit=${search}>
      <input id="explorer-query" placeholder="user 42 · interviewer 7 · request or decision id" value=${query} onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} size="40" />
      <button type="submit">Search</button>
    </form>
    ${error ? html`<p class="error">${error}</p>` : null}
    ${
      found
        ? html`<ul class="found">${
            found.length === 0
              ? html`<li class="muted">no decision found</li>`
              : found.map(
                  (d) =>
                    html`<li><a href="#" data-open=${d.decision_id} onClick=${(e: Event) => {
                      e.preventDefault()
                      props.select(d)
                    }}>${d.at} · user ${d.user_id} → ${d.interviewer_id ?? d.status}</a></li>`,
                )
          }</ul>`
        : null
    }
    ${props.selected ? html`<${DecisionView} d=${props.selected} />` : null}
  </section>`
}

function DecisionView(props: { d: DecisionEvent }) {
  const d = props.d
  const [who, setWho] = useState('')
  const [why, setWhy] = useState<DecisionExplanation | null>(null)
  const [error, setError] = useState('')
  const explain = async (id: string | number) => {
    setError('')
    try {
      setWhy(await api<DecisionExplanation>('GET', `/v1/decisions/${encodeURIComponent(d.decision_id)}/explain?interviewer_id=${id}`))
    } catch (err) {
      setWhy(null)
      setError(`${(err as ApiError).code}: ${(err as Error).message}`)
    }
  }
  return html`<div class="decision" id="decision" data-decision=${d.decision_id}>
    <p><b>${d.status}</b> · user ${d.user_id} → interviewer <b>${d.interviewer_id ?? '—'}</b> · score ${d.score ?? '—'} · weights v${d.weights_version} · ${d.latency_us} µs · ${d.node_id}</p>
    <table class="bids">
      <thead><tr><th>interviewer</th><th>score</th>${FACTORS.map((f) => html`<th>${f}</th>`)}<th>queue</th><th>source</th><th></th></tr></thead>
      <tbody>
        ${d.bids.map(
          (b) => html`<tr class=${b.interviewer_id === d.interviewer_id ? 'winner' : ''}>
            <td>${b.interviewer_id}</td><td>${b.score}</td>${FACTORS.map((f) => html`<td>${b.factors[f]}</td>`)}<td>${b.queue_depth}</td><td>${b.source}</td>
            <td><button onClick=${() => explain(b.interviewer_id)}>why</button></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="muted">Predicted success and model version are not part of this server's decision record.</p>
    <form onSubmit=${(e: Event) => {
      e.preventDefault()
      void explain(who)
    }}>
      Why not interviewer <input id="explain-id" size="6" value=${who} onInput=${(e: Event) => setWho((e.target as HTMLInputElement).value)} /> <button type="submit" id="explain">Explain</button>
    </form>
    ${error ? html`<p class="error">${error}</p>` : null}
    ${why ? html`<${Why} e=${why} />` : null}
  </div>`
}

function Why(props: { e: DecisionExplanation }) {
  const e = props.e
  return html`<div class="why" id="why" data-verdict=${e.verdict}>
    <p><b>${e.verdict}</b>: ${e.summary}</p>
    <ul>${e.filters.map((f) => html`<li class=${f.passed ? 'ok' : 'bad'}>${f.filter}: ${f.detail}</li>`)}</ul>
    ${e.factors.length ? html`<table><thead><tr><th>factor</th><th>weight</th><th>winner</th><th>this</th><th>weighted loss</th></tr></thead><tbody>${e.factors.map((f) => html`<tr><td>${f.factor}</td><td>${f.weight}</td><td>${f.winner}</td><td>${f.this}</td><td>${f.weighted_diff}</td></tr>`)}</tbody></table>` : null}
    <p class="muted">What the record cannot tell:</p>
    <ul class="muted">${e.unknown.map((u) => html`<li>${u}</li>`)}</ul>
  </div>`
}
