// Structured logging with pino; one root logger, children per module. JSON lines for machines, or
// readable lines (pino-pretty) for a person at a terminal.
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

export type LogFormat = 'json' | 'pretty'

/** LOG_FORMAT's choice: auto is pretty on a terminal and JSON otherwise (pipes, files, collectors). */
export function logFormat(setting: string, isTTY: boolean): LogFormat {
  if (setting === 'json' || setting === 'pretty') return setting
  return isTTY ? 'pretty' : 'json'
}

export function createLogger(level: string = 'info', name = 'router', format: LogFormat = 'json'): Logger {
  const opts = { name, level, base: { pid: process.pid } }
  // In-process and synchronous (no transport worker): a person reading a terminal, not a hot path.
  return format === 'pretty' ? pino(opts, pretty({ colorize: true, sync: true })) : pino(opts)
}

/** A logger that writes nothing: the default in tests and pure code. */
export const silentLogger: Logger = pino({ level: 'silent' })
