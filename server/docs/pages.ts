// The HTML of the API reference pages. AsyncAPI is rendered here as a plain listing of channels and
// messages (with their JSON Schemas) rather than with @asyncapi/react-component: its standalone
// bundle is a multi-megabyte React app, while the listing needs no script at all.
type Json = Record<string, unknown>

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function swaggerPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Interview router API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><p style="font-family:sans-serif;margin:1em">HTTP API below; WebSocket messages and NATS subjects: <a href="/docs/asyncapi">/docs/asyncapi</a>.
Documents: <a href="/openapi.json">/openapi.json</a>, <a href="/asyncapi.json">/asyncapi.json</a>.</p>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'BaseLayout' })</script>
</body></html>`
}

/** Resolves a local `#/...` reference of the document. */
function deref(doc: Json, v: unknown): Json {
  const r = (v as { $ref?: string }).$ref
  if (!r) return v as Json
  return r
    .slice(2)
    .split('/')
    .reduce<unknown>((o, k) => (o as Json)[k], doc) as Json
}

export function asyncApiPage(doc: Json): string {
  const info = doc.info as { title: string; version: string }
  const channels = doc.channels as Record<string, Json>
  const parts: string[] = []
  for (const [name, ch] of Object.entries(channels)) {
    parts.push(`<h2 id="${esc(name)}">${esc(name)}: <code>${esc(String(ch.address))}</code></h2>`)
    if (ch.description) parts.push(`<p>${esc(String(ch.description))}</p>`)
    for (const [key, m] of Object.entries(ch.messages as Record<string, unknown>)) {
      const msg = deref(doc, m)
      const payload = deref(doc, msg.payload)
      parts.push(`<details><summary><b>${esc(String(msg.name ?? key))}</b> ${esc(String(msg.summary ?? ''))}</summary><pre>${esc(JSON.stringify(payload, null, 2))}</pre></details>`)
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{background:#f4f4f4;padding:.5em;overflow:auto}summary{cursor:pointer;margin:.3em 0}</style></head>
<body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>AsyncAPI ${esc(String(doc.asyncapi))} document: <a href="/asyncapi.json">/asyncapi.json</a>. HTTP API: <a href="/docs">/docs</a>.</p>
${parts.join('\n')}
</body></html>`
}
