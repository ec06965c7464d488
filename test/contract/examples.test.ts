// Every example request in the docs (README.md, docs/*.md) is valid against the contract documents:
// curl/HTTP bodies against the OpenAPI operation's request body, WebSocket frames (```json blocks,
// one message per line) against the AsyncAPI message of their type.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { asyncApiDocument, openApiDocument } from '../../client/contract.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]

interface Example {
  file: string
  kind: 'http' | 'ws'
  method?: string
  path?: string
  body: unknown
}

/** The fenced code blocks of a markdown file, with their language. */
function blocks(md: string): { lang: string; text: string }[] {
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], text: m[2] }))
}

function examples(file: string, md: string): Example[] {
  const out: Example[] = []
  for (const b of blocks(md)) {
    if (b.lang === 'json') {
      for (const line of b.text.split('\n').filter((l) => l.trim())) out.push({ file, kind: 'ws', body: JSON.parse(line) })
      continue
    }
    // curl commands, continuation lines joined.
    for (const cmd of b.text.replace(/\\\n/g, ' ').split('\n')) {
      if (!/^\s*curl\b/.test(cmd)) continue
      const url = cmd.match(/https?:\/\/[^/\s]+(\/[^\s'"?]*)/)
      const data = cmd.match(/(?:-d|--data(?:-raw)?)\s+'([^']*)'/)
      if (!url || !data) continue
      const method = cmd.match(/-X\s+(\w+)/)?.[1].toLowerCase() ?? 'post'
      out.push({ file, kind: 'http', method, path: url[1], body: JSON.parse(data[1]) })
    }
  }
  return out
}

const openapi = openApiDocument('0.0.0') as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>> }
const asyncapi = asyncApiDocument('0.0.0') as { components: { messages: Record<string, { name: string; payload: unknown }> } }
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false })
ajv.addSchema({ $id: 'openapi', ...openapi })
ajv.addSchema({ $id: 'asyncapi', ...asyncapi })
const ptr = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

function validatorFor(e: Example) {
  if (e.kind === 'http') {
    const op = openapi.paths[e.path ?? '']?.[e.method ?? '']
    if (!op?.requestBody) throw new Error(`${e.file}: ${e.method} ${e.path} has no request body in the OpenAPI document`)
    return ajv.compile({ $ref: `openapi#/${ptr('paths', e.path ?? '', e.method ?? '', 'requestBody', 'content', 'application/json', 'schema')}` })
  }
  const type = (e.body as { type?: unknown }).type
  const key = Object.keys(asyncapi.components.messages).find((k) => k === `${type}Request`)
  if (!key) throw new Error(`${e.file}: WebSocket example of unknown type ${JSON.stringify(type)}`)
  return ajv.compile({ $ref: `asyncapi#/${ptr('components', 'messages', key, 'payload')}` })
}

const all = FILES.flatMap((f) => examples(f, readFileSync(join(ROOT, f), 'utf8')))

describe('examples in the docs', () => {
  it('finds the curl and WebSocket examples', () => {
    expect(all.some((e) => e.kind === 'http' && e.path === '/v1/route')).toBe(true)
    expect(all.filter((e) => e.kind === 'ws').length).toBeGreaterThanOrEqual(5)
  })

  it.each(all.map((e) => [`${e.file} ${e.kind === 'http' ? `${e.method?.toUpperCase()} ${e.path}` : (e.body as { type: string }).type}`, e] as const))('%s is valid', (_name, e) => {
    const validate = validatorFor(e)
    expect(validate(e.body) ? [] : validate.errors).toEqual([])
  })

  it('an invalid example is refused (the check can fail)', () => {
    const [bad] = examples('x.md', '```bash\ncurl -X POST http://h/v1/route -d \'{"user_id":-1,"topics":[],"language":"en","budget":1,"sensitivity":false,"sla_min":1}\'\n```\n')
    expect(validatorFor(bad)(bad.body)).toBe(false)
    const [ws] = examples('x.md', '```json\n{"id":1,"type":"subscribe","stream":"nope"}\n```\n')
    expect(validatorFor(ws)(ws.body)).toBe(false)
  })
})
