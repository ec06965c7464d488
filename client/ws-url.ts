// The WebSocket endpoint for a base URL as a user types it: http(s) or ws(s), with or without the path.
import { RouterError } from './errors.ts'

/** The server's WebSocket path. */
export const WS_PATH = '/v1/ws'

const SCHEMES: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }

/**
 * http → ws and https → wss (the same port and host serve both); a URL whose path is not already the
 * WebSocket endpoint is a base (the server's root, or a prefix a proxy mounts it under) and gets
 * /v1/ws appended. The query string is kept. Anything else is RouterError('invalid').
 */
export function wsUrl(base: string): string {
  let u: URL
  try {
    u = new URL(base)
  } catch (err) {
    throw new RouterError('invalid', `--url ${JSON.stringify(base)} is not a URL (try http://127.0.0.1:8000)`, { cause: err })
  }
  const scheme = SCHEMES[u.protocol]
  if (!scheme) throw new RouterError('invalid', `--url must be http(s):// or ws(s)://, not ${u.protocol}//`)
  const path = u.pathname.replace(/\/+$/, '')
  const out = new URL(u.toString().replace(/^[a-z]+:/i, scheme))
  out.pathname = path.endsWith(WS_PATH) ? path : `${path}${WS_PATH}`
  out.hash = ''
  return out.toString()
}
