// Headless Debian Chromium driven by playwright-core (no browser download): one launcher for the
// browser tests and the rendering bench. Missing Chromium fails under CI=true and skips elsewhere.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const HAVE_CHROMIUM = existsSync(CHROMIUM)
/** Whether the browser suites run: always under CI (and then fail without Chromium). */
export const RUN_BROWSER = HAVE_CHROMIUM || process.env.CI === 'true'

export function launch(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI=true makes this a failure)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
}
