// Serves the contract documents and the API reference: /openapi.json, /asyncapi.json, /docs (Swagger
// UI from node_modules, no CDN) and /docs/asyncapi (a server-rendered listing of the AsyncAPI document).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { TemplatedApp } from 'uWebSockets.js'
import { asyncApiDocument, openApiDocument } from '../../client/contract.ts'
import { asyncApiPage, swaggerPage } from './pages.ts'

const require = createRequire(import.meta.url)
/** The Swagger UI files the page loads, and their content types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
}

export function mountDocs(app: TemplatedApp): void {
  const version = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version
  const asyncapi = asyncApiDocument(version)
  // Built once: the documents do not change while the process runs.
  const bodies: Record<string, [string, string | Buffer]> = {
    '/openapi.json': ['application/json', JSON.stringify(openApiDocument(version))],
    '/asyncapi.json': ['application/json', JSON.stringify(asyncapi)],
    '/docs': ['text/html; charset=utf-8', swaggerPage()],
    '/docs/asyncapi': ['text/html; charset=utf-8', asyncApiPage(asyncapi)],
  }
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'))
  for (const [file, type] of Object.entries(ASSETS)) bodies[`/docs/assets/${file}`] = [type, readFileSync(join(dist, file))]
  for (const [path, [type, body]] of Object.entries(bodies)) {
    // Answered synchronously, so uWS needs no onAborted handler.
    app.get(path, (res) => {
      res.writeHeader('content-type', type).writeHeader('cache-control', 'no-cache').end(body)
    })
  }
}
