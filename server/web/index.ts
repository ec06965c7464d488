// Serves the operator dashboard (/dashboard) and the interviewer console (/console): an HTML shell
// per page plus the bundles built at start-up. The shells carry the auth mode, never a token.
import type { TemplatedApp } from 'uWebSockets.js'
import { buildWebAssets, PAGES, type Page } from './bundle.ts'

export { buildWebAssets } from './bundle.ts'

const TITLES: Record<Page, string> = { dashboard: 'Router dashboard', console: 'Interviewer console' }

export function pageShell(page: Page, auth: 'jwt' | 'open'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${TITLES[page]}</title><link rel="stylesheet" href="/web/app.css"></head>
<body data-auth="${auth}"><div id="app"></div><script type="module" src="/web/${page}-page.js"></script></body></html>`
}

export function mountWeb(app: TemplatedApp, auth: 'jwt' | 'open'): void {
  const { files } = buildWebAssets()
  for (const page of PAGES) files[`/${page}`] = ['text/html; charset=utf-8', pageShell(page, auth)]
  for (const [path, [type, body]] of Object.entries(files)) {
    // Answered synchronously, so uWS needs no onAborted handler.
    app.get(path, (res) => {
      res.writeHeader('content-type', type).writeHeader('cache-control', 'no-cache').end(body)
    })
  }
}
