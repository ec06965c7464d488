// LOG_FORMAT's choice between JSON and readable lines, and what each logger writes.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'
import { logFormat } from './log.ts'

describe('log format', () => {
  it('auto is pretty on a terminal and JSON otherwise; json and pretty force one', () => {
    expect(logFormat('auto', true)).toBe('pretty')
    expect(logFormat('auto', false)).toBe('json')
    expect(logFormat('json', true)).toBe('json')
    expect(logFormat('pretty', false)).toBe('pretty')
  })

  it('LOG_FORMAT defaults to auto and refuses other values', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('auto')
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty')
    try {
      loadConfig({ LOG_FORMAT: 'xml' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).problems.some((p) => p.startsWith('LOG_FORMAT='))).toBe(true)
    }
  })
})
