// The real server serves the contract documents and the API reference page, with no token, and the
// served documents are the ones generated from the schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asyncApiDocument, openApiDocument } from '../../client/contract.ts'
import { startServer, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  // JWT mode: the documents and pages are public like /healthz.
  srv = await startServer({ env: { JWT_SECRET: 'contract-docs-test-secret-0123456789' } })
}, 60_000)
afterAll(() => srv?.dispose())

async function fetchText(path: string): Promise<{ status: number; type: string | null; text: string }> {
  const r = await fetch(srv.url + path)
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() }
}

describe('contract documents served by the server', () => {
  it('/openapi.json is the generated OpenAPI document', async () => {
    const r = await fetchText('/openapi.json')
    expect(r.status).toBe(200)
    expect(r.type).toContain('application/json')
    const doc = JSON.parse(r.text) as { openapi: string; info: { version: string } }
    expect(doc).toEqual(openApiDocument(doc.info.version))
    expect(doc.openapi).toBe('3.1.0')
  })

  it('/asyncapi.json is the generated AsyncAPI document', async () => {
    const r = await fetchText('/asyncapi.json')
    expect(r.status).toBe(200)
    const doc = JSON.parse(r.text) as { asyncapi: string; info: { version: string } }
    expect(doc).toEqual(asyncApiDocument(doc.info.version))
    expect(doc.asyncapi).toBe('3.0.0')
  })

  it('/docs is the Swagger UI page and its assets are served locally', async () => {
    const page = await fetchText('/docs')
    expect(page.status).toBe(200)
    expect(page.type).toContain('text/html')
    const assets = [...page.text.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1])
    expect(assets.length).toBeGreaterThanOrEqual(2)
    expect(page.text).not.toMatch(/https?:\/\//)
    for (const a of assets) {
      const r = await fetchText(a)
      expect(r.status, a).toBe(200)
      expect(r.text.length, a).toBeGreaterThan(1000)
    }
    expect((await fetchText('/docs/assets/nope.js')).status).toBe(404)
  })

  it('/docs/asyncapi lists every channel and WebSocket message', async () => {
    const r = await fetchText('/docs/asyncapi')
    expect(r.status).toBe(200)
    for (const s of ['/v1/ws', '{prefix}.decisions', '{prefix}.assignments.{interviewer_id}', '{prefix}.nodes.{node_id}.heartbeat', 'bid_request', '>route<']) expect(r.text).toContain(s)
  })

  it('the API itself still needs a token', async () => {
    expect((await fetch(`${srv.url}/v1/state`)).status).toBe(401)
  })
})
