// The weights editor: the live version, an edit with its diff, apply (PUT), and the saved history
// with who and when, each version one click from becoming the next (rollback).
import { useEffect, useState } from 'preact/hooks'
import type { Weights, WeightsVersion } from '../protocol.ts'
import type { ApiError } from './live.ts'
import { api, html } from './session.ts'

const FACTORS = ['topic', 'experience', 'cost', 'load', 'fairness', 'quality'] as const

export function WeightsEditor() {
  const [current, setCurrent] = useState<Weights | null>(null)
  const [draft, setDraft] = useState<Record<string, string>>({})
  const [history, setHistory] = useState<WeightsVersion[]>([])
  const [message, setMessage] = useState('')
  const load = async () => {
    const [w, h] = await Promise.all([api<Weights>('GET', '/v1/admin/weights'), api<{ versions: WeightsVersion[] }>('GET', '/v1/admin/weights/history?limit=10')])
    setCurrent(w)
    setDraft(Object.fromEntries(FACTORS.map((f) => [f, String(w[f])])))
    setHistory(h.versions)
  }
  useEffect(() => {
    load().catch((err: unknown) => setMessage(`${(err as ApiError).code}: ${(err as Error).message}`))
  }, [])
  if (!current) return html`<section class="panel" id="weights"><h2>Weights</h2><p class="muted">${message || 'loading…'}</p></section>`
  const changed = FACTORS.filter((f) => draft[f] !== undefined && Number(draft[f]) !== current[f])
  const act = async (work: () => Promise<Weights>, what: string) => {
    try {
      const w = await work()
      setMessage(`${what}: now version ${w.version}`)
      await load()
    } catch (err) {
      setMessage(`${(err as ApiError).code}: ${(err as Error).message}`)
    }
  }
  const apply = () => act(() => api<Weights>('PUT', '/v1/admin/weights', Object.fromEntries(changed.map((f) => [f, Number(draft[f])]))), 'applied')
  return html`<section class="panel" id="weights">
    <h2>Weights <span class="muted" id="weights-version">v${current.version}</span></h2>
    <table>
      <tbody>
        ${FACTORS.map(
          (f) => html`<tr>
            <td>${f}</td><td>${current[f]}</td>
            <td><input data-weight=${f} size="6" value=${draft[f]} onInput=${(e: Event) => setDraft({ ...draft, [f]: (e.target as HTMLInputElement).value })} /></td>
            <td class="diff">${changed.includes(f) ? `${current[f]} → ${draft[f]}` : ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <button id="weights-apply" disabled=${changed.length === 0} onClick=${apply}>Apply ${changed.length ? `(${changed.length} changed)` : ''}</button>
    ${message ? html`<p id="weights-message">${message}</p>` : null}
    <h3>History</h3>
    <table class="history">
      <thead><tr><th>version</th><th>by</th><th>when</th>${FACTORS.map((f) => html`<th>${f}</th>`)}<th></th></tr></thead>
      <tbody>
        ${history.map(
          (v) => html`<tr data-version=${v.weights.version}>
            <td>${v.weights.version}</td><td>${v.created_by}</td><td>${v.created_at.replace('T', ' ').slice(0, 19)}</td>${FACTORS.map((f) => html`<td>${v.weights[f]}</td>`)}
            <td>${v.weights.version === current.version ? 'live' : html`<button onClick=${() => act(() => api<Weights>('POST', '/v1/admin/weights/rollback', { version: v.weights.version }), `rolled back to v${v.weights.version}`)}>roll back</button>`}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`
}
