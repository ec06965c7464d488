// The generated contract documents are valid: OpenAPI 3.1 by its JSON Schema, AsyncAPI 3 by the
// AsyncAPI parser, and every HTTP route of the gateway appears in the OpenAPI document.
import { Parser } from '@asyncapi/parser'
import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { asyncApiDocument, openApiDocument } from '../../client/contract.ts'
import { MESSAGE_TYPES } from '../../client/schemas.ts'

describe('contract documents', () => {
  it('the OpenAPI document is valid OpenAPI 3.1', async () => {
    const doc = openApiDocument('0.0.0')
    const v = new Validator()
    const r = await v.validate(doc)
    expect(r.errors ?? []).toEqual([])
    expect(r.valid).toBe(true)
    expect(v.version).toBe('3.1')
  })

  it('both documents are plain JSON (no TypeBox symbols or undefined left in them)', () => {
    for (const doc of [openApiDocument('0.0.0'), asyncApiDocument('0.0.0')]) expect(JSON.parse(JSON.stringify(doc))).toStrictEqual(doc)
  })

  it('a broken OpenAPI document is refused (the validator can fail)', async () => {
    const doc = openApiDocument('0.0.0') as { paths: Record<string, Record<string, { responses?: unknown }>> }
    delete doc.paths['/v1/route'].post.responses
    doc.paths['/v1/route'].post = { ...doc.paths['/v1/route'].post, operationId: 42 } as never
    expect((await new Validator().validate(doc)).valid).toBe(false)
  })

  it('the AsyncAPI document parses as AsyncAPI 3 with no error or warning', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(asyncApiDocument('0.0.0')))
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([])
    expect(document?.version()).toBe('3.0.0')
    const ws = document?.channels().get('ws')
    // Every WebSocket request type has a message in the document.
    const names =
      ws
        ?.messages()
        .all()
        .map((m) => m.name()) ?? []
    for (const t of MESSAGE_TYPES) expect(names).toContain(t)
    expect(document?.channels().get('decisions')?.address()).toBe('{prefix}.decisions')
  })

  it('a broken AsyncAPI document gets an error', async () => {
    const doc = asyncApiDocument('0.0.0') as { channels: Record<string, { address: unknown }> }
    doc.channels.ws.address = 17
    const { diagnostics } = await new Parser().parse(JSON.stringify(doc))
    expect(diagnostics.some((d) => d.severity === 0)).toBe(true)
  })
})
