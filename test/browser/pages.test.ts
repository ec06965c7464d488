// The dashboard and the console in headless Chromium against the real server (open local mode):
// live decisions, the explorer's explain, a weights edit on the next route, the console's offer
// lifecycle mirrored in the dashboard grid, and surviving a server restart. Writes docs/screenshots/.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecisionEvent, DecisionExplanation, InterviewerState, RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { get, post, startServer, type ServerHandle } from '../e2e/server.ts'
import { launch, RUN_BROWSER } from './chromium.ts'

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots')

/** An interviewer that alone can take a request: the strictly cheapest speaker of one of its languages. */
function soleCandidate(all: InterviewerState[]): { iv: InterviewerState; language: string } {
  for (const iv of all) {
    if (iv.capacity < 1) continue
    for (const language of iv.languages) {
      if (all.every((o) => o.interviewer_id === iv.interviewer_id || !o.languages.includes(language) || o.cost > iv.cost)) return { iv, language }
    }
  }
  throw new Error('the seeded dataset has no interviewer that is the unique cheapest speaker of a language')
}

describe.skipIf(!RUN_BROWSER)('browser: dashboard and console', () => {
  let srv: ServerHandle
  let browser: Browser
  let dash: Page
  let route: (body: Record<string, unknown>) => Promise<RouteResult>
  let n = 0
  const request = (over: Record<string, unknown> = {}) => ({
    user_id: 1 + (n % 900),
    topics: ['FinTech'],
    language: 'English',
    budget: 500,
    sensitivity: false,
    sla_min: 600,
    request_id: `web-${++n}`,
    ...over,
  })

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    browser = await launch()
    srv = await startServer({ env: { OFFER_TIMEOUT_S: '60', PRESENCE_GRACE_S: '60' } })
    route = async (body) => (await post<RouteResult>(`${srv.url}/v1/route`, body)).body
    dash = await browser.newPage({ viewport: { width: 1300, height: 1700 } })
    await dash.goto(`${srv.url}/dashboard`)
    await dash.locator('#link-state', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    await dash.locator('#grid-count', { hasText: /^[1-9]\d* of/ }).waitFor({ timeout: 10_000 })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await srv?.dispose()
  })

  it('a routed request appears in the dashboard within 1 s, and the explorer explains it', async () => {
    const body = request()
    const r = await route(body)
    expect(r.status).toBe('assigned')
    const row = dash.locator(`[data-request-id="${body.request_id}"]`)
    await row.waitFor({ timeout: 1000 })
    await row.click()
    const panel = dash.locator(`#decision[data-decision="${r.decision_id}"]`)
    await panel.waitFor({ timeout: 5000 })
    const decision = (await get<{ items: DecisionEvent[] }>(`${srv.url}/v1/decisions?user_id=${body.user_id}`)).body.items.find((d) => d.decision_id === r.decision_id)!
    const loser = decision.bids.find((b) => b.interviewer_id !== r.interviewer_id)
    // The winner: "won"; a losing bidder: "outscored" with the gap and factors; a non-speaker: "filtered".
    await dash.fill('#explain-id', String(r.interviewer_id))
    await dash.click('#explain')
    await dash.locator('#why[data-verdict="won"]').waitFor({ timeout: 5000 })
    if (loser) {
      await panel
        .locator('tr', { hasText: String(loser.score) })
        .first()
        .locator('button')
        .click()
      await dash.locator('#why[data-verdict="outscored"]').waitFor({ timeout: 5000 })
      expect(await dash.locator('#why').textContent()).toContain(`lost to ${r.interviewer_id}`)
    }
    const all = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers
    const stranger = all.find((i) => !i.languages.includes('English'))
    if (stranger) {
      await dash.fill('#explain-id', String(stranger.interviewer_id))
      await dash.click('#explain')
      await dash.locator('#why[data-verdict="filtered"]').waitFor({ timeout: 5000 })
      expect(await dash.locator('#why').textContent()).toContain('does not speak English')
    }
    // The held view reads GET /v1/held (nothing is held here).
    await dash.locator('#held', { hasText: 'no request is held' }).waitFor({ timeout: 2000 })
    const api = (await get<DecisionExplanation>(`${srv.url}/v1/decisions/${r.decision_id}/explain?interviewer_id=${r.interviewer_id}`)).body
    expect(api.verdict).toBe('won')
  })

  it('a weights edit takes effect on the next route, and a rollback makes an old version live again', async () => {
    const apply = async (value: string) => {
      const before = Number((await dash.locator('#weights-version').textContent())!.slice(1))
      await dash.fill('[data-weight="topic"]', value)
      await dash.click('#weights-apply')
      await dash.locator('#weights-message', { hasText: `applied: now version ${before + 1}` }).waitFor({ timeout: 5000 })
      await dash.locator('#weights-version', { hasText: `v${before + 1}` }).waitFor({ timeout: 5000 })
      return before + 1
    }
    const v = await apply('3')
    const body = request()
    const r = await route(body)
    const d = (await get<{ items: DecisionEvent[] }>(`${srv.url}/v1/decisions?user_id=${body.user_id}`)).body.items.find((x) => x.decision_id === r.decision_id)!
    expect(d.weights_version).toBe(v)
    await dash.locator(`[data-request-id="${body.request_id}"]`, { hasText: `v${v}` }).waitFor({ timeout: 2000 })
    const v2 = await apply('2')
    expect(v2).toBe(v + 1)
    await dash.locator(`tr[data-version="${v}"] button`).click()
    await dash.locator('#weights-message', { hasText: `rolled back to v${v}: now version ${v2 + 1}` }).waitFor({ timeout: 5000 })
    const w = (await get<{ topic: number; version: number }>(`${srv.url}/v1/admin/weights`)).body
    expect(w).toMatchObject({ version: v2 + 1, topic: 3 })
  })

  it('the console goes online, receives an offer, accepts and completes it, and the grid follows each step', async () => {
    const all = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers
    const { iv, language } = soleCandidate(all)
    const id = iv.interviewer_id
    await dash.fill('#grid-filter', `id:${id}`)
    const gridRow = dash.locator(`[data-interviewer="${id}"]`)
    await gridRow.waitFor({ timeout: 2000 })

    const con = await browser.newPage({ viewport: { width: 1000, height: 700 } })
    await con.goto(`${srv.url}/console`)
    await con.locator('#link-state', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    await con.locator(`#picker option[value="${id}"]`).waitFor({ state: 'attached', timeout: 5000 })
    await con.selectOption('#picker', String(id))
    await con.locator('#availability-now').waitFor({ timeout: 5000 })
    await con.click('#go-paused')
    await gridRow.locator('[data-field="availability"]', { hasText: 'paused' }).waitFor({ timeout: 3000 })
    await con.click('#go-online')
    await con.locator('#availability-now', { hasText: 'online' }).waitFor({ timeout: 3000 })
    await gridRow.locator('[data-field="availability"]', { hasText: 'online' }).waitFor({ timeout: 3000 })

    const r = await route(request({ language, topics: iv.specializations.slice(0, 1), budget: iv.cost }))
    expect(r).toMatchObject({ status: 'assigned', interviewer_id: id })
    const offer = con.locator(`[data-offer="${r.assignment_id}"]`)
    await offer.waitFor({ timeout: 3000 })
    expect(await offer.locator('.countdown').textContent()).toMatch(/\d+ s left/)
    await gridRow.locator('[data-field="last"]', { hasText: 'offered' }).waitFor({ timeout: 3000 })
    await con.screenshot({ path: join(SHOTS, 'console.png') })

    await offer.locator('button.accept').click()
    const active = con.locator(`[data-assignment="${r.assignment_id}"]`)
    await active.waitFor({ timeout: 3000 })
    await gridRow.locator('[data-field="last"]', { hasText: /active|accepted/ }).waitFor({ timeout: 3000 })
    await active.locator('button[data-outcome="completed"]').click()
    await con.locator(`[data-history="${r.assignment_id}"]`, { hasText: 'completed' }).waitFor({ timeout: 3000 })
    await gridRow.locator('[data-field="last"]', { hasText: 'completed' }).waitFor({ timeout: 3000 })
    await gridRow.locator('[data-field="occupancy"]', { hasText: `0/${iv.capacity}` }).waitFor({ timeout: 3000 })
    await con.close()
    await dash.fill('#grid-filter', '')
  })

  it('the dashboard survives a server restart: it shows "reconnecting", then resynchronises by itself', async () => {
    // Some traffic first, so the screenshot has charts and decisions in it.
    for (let i = 0; i < 30; i++) await route(request({ topics: [['FinTech', 'payments', 'pricing'][i % 3]] }))
    await dash.waitForTimeout(2500)
    await dash.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true })
    const restarting = srv.restart()
    await dash.locator('#link-state', { hasText: 'reconnecting' }).waitFor({ timeout: 10_000 })
    await restarting
    await dash.locator('#link-state', { hasText: 'live' }).waitFor({ timeout: 15_000 })
    await dash.locator('#grid-count', { hasText: /^[1-9]\d* of/ }).waitFor({ timeout: 5000 })
    // Subscriptions come back with the socket: the next decision appears as before.
    await dash.waitForTimeout(300)
    const body = request()
    await route(body)
    await dash.locator(`[data-request-id="${body.request_id}"]`).waitFor({ timeout: 1000 })
  }, 60_000)
})
