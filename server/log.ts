// Structured logging with pino; one root logger, children per module.
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string = 'info', name = 'router'): Logger {
  return pino({ name, level, base: { pid: process.pid } })
}

/** A logger that writes nothing: the default in tests and pure code. */
export const silentLogger: Logger = pino({ level: 'silent' })
