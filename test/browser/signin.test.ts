// JWT mode in headless Chromium: the sign-in page, a wrong token's refusal, an interviewer (console)
// token refused on the operator dashboard with the server's `forbidden`, and a good token kept in
// sessionStorage, never in the URL. Writes docs/screenshots/signin.png.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signToken } from '../../server/auth/index.ts'
import { startServer, type ServerHandle } from '../e2e/server.ts'
import { launch, RUN_BROWSER } from './chromium.ts'

const SECRET = 'browser-test-secret-0123456789'
const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots')

describe.skipIf(!RUN_BROWSER)('browser: sign-in (JWT mode)', () => {
  let srv: ServerHandle
  let browser: Browser
  const tok: Record<string, string> = {}

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    tok.operator = await signToken(SECRET, { sub: 'ops-alice', role: 'operator' })
    tok.interviewer = await signToken(SECRET, { sub: '7', role: 'interviewer' })
    tok.forged = await signToken('another-secret-0123456789', { sub: 'ops-alice', role: 'operator' })
    browser = await launch()
    srv = await startServer({ env: { JWT_SECRET: SECRET } })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await srv?.dispose()
  })

  it('no token: the sign-in page; a wrong token: refused with a message; a console token: forbidden', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 500 } })
    await page.goto(`${srv.url}/dashboard`)
    await page.locator('#token').waitFor({ timeout: 10_000 })
    expect(await page.locator('#signin-error').count()).toBe(0)

    await page.fill('#token', tok.forged)
    await page.click('#signin')
    await page.locator('#signin-error', { hasText: 'unauthorized' }).waitFor({ timeout: 5000 })

    await page.fill('#token', tok.interviewer)
    await page.click('#signin')
    await page.locator('#signin-error', { hasText: 'forbidden' }).waitFor({ timeout: 5000 })
    await page.screenshot({ path: join(SHOTS, 'signin.png') })
    // A refused token is not kept.
    // (Page code is passed as text: the test's own types are Node's, without the DOM.)
    expect(await page.evaluate('sessionStorage.length')).toBe(0)
    await page.close()
  })

  it('an operator token opens the dashboard; it stays in sessionStorage, not in the URL', async () => {
    const page = await browser.newPage()
    await page.goto(`${srv.url}/dashboard`)
    await page.fill('#token', tok.operator)
    await page.click('#signin')
    await page.locator('#link-state', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    await page.locator('#weights-version').waitFor({ timeout: 5000 })
    expect(page.url()).toBe(`${srv.url}/dashboard`)
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([tok.operator])
    // A reload in the same tab signs in again from the session.
    await page.reload()
    await page.locator('#link-state', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    await page.close()
  })

  it('an interviewer token opens the console as that interviewer, and the server refuses it an operator action', async () => {
    const page = await browser.newPage()
    await page.goto(`${srv.url}/console`)
    await page.fill('#token', tok.interviewer)
    await page.click('#signin')
    await page.locator('#me', { hasText: '7' }).waitFor({ timeout: 10_000 })
    await page.locator('#availability-now').waitFor({ timeout: 5000 })
    const status = (await page.evaluate(`(async () => {
      const r = await fetch('/v1/admin/weights', { method: 'PUT', headers: { authorization: 'Bearer ' + Object.values(sessionStorage)[0], 'content-type': 'application/json' }, body: '{"topic":2}' })
      return { status: r.status, body: await r.json() }
    })()`)) as { status: number; body: { error: { code: string } } }
    expect(status.status).toBe(403)
    expect(status.body.error.code).toBe('forbidden')
    await page.close()
  })
})
