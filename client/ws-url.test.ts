// Base URLs the CLI accepts, mapped to the WebSocket endpoint.
import { describe, expect, it } from 'vitest'
import { RouterError } from './errors.ts'
import { wsUrl } from './ws-url.ts'

describe('wsUrl', () => {
  it('maps http to ws and https to wss, adding the endpoint path to a bare base', () => {
    expect(wsUrl('http://127.0.0.1:8000')).toBe('ws://127.0.0.1:8000/v1/ws')
    expect(wsUrl('http://127.0.0.1:8000/')).toBe('ws://127.0.0.1:8000/v1/ws')
    expect(wsUrl('https://router.example.com')).toBe('wss://router.example.com/v1/ws')
    expect(wsUrl('HTTP://127.0.0.1:8000')).toBe('ws://127.0.0.1:8000/v1/ws')
  })

  it('keeps a ws(s) URL that already names the endpoint, and the query string', () => {
    expect(wsUrl('ws://127.0.0.1:8000/v1/ws')).toBe('ws://127.0.0.1:8000/v1/ws')
    expect(wsUrl('wss://h:9443/v1/ws/')).toBe('wss://h:9443/v1/ws')
    expect(wsUrl('http://127.0.0.1:8000/v1/ws?x=1')).toBe('ws://127.0.0.1:8000/v1/ws?x=1')
  })

  it('treats another path as a prefix the server is mounted under', () => {
    expect(wsUrl('https://proxy.example.com/router/')).toBe('wss://proxy.example.com/router/v1/ws')
    expect(wsUrl('ws://127.0.0.1:8000')).toBe('ws://127.0.0.1:8000/v1/ws')
  })

  it('refuses other schemes and non-URLs with an invalid error', () => {
    for (const bad of ['ftp://h/x', '127.0.0.1:8000', 'not a url', 'nats://127.0.0.1:4222']) {
      try {
        wsUrl(bad)
        expect.unreachable(bad)
      } catch (err) {
        expect(err).toBeInstanceOf(RouterError)
        expect((err as RouterError).code).toBe('invalid')
      }
    }
  })
})
