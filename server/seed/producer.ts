// Main-thread side of the generator worker: an async stream of COPY chunks for one table. Generation
// runs beside the database I/O, and its heap is capped so seeding stays in constant memory.
import type { Worker } from 'node:worker_threads'
import { startTsWorker } from '../store/ts-worker.ts'
import type { CopyChunk, SeedTable } from '../store/types.ts'
import type { Sizes } from './generate/sizes.ts'
import type { ProducerData, ProducerMessage } from './producer-worker.ts'
import type { SeedSummary } from './summary.ts'

/** Heap cap of the generator worker: 100k interviewers' index takes a few MB, a chunk one MB. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 }

export class ProducerError extends Error {
  readonly code = 'generator_failed'
}

export async function* produce(table: SeedTable, seed: number, sizes: Sizes, onSummary: (s: SeedSummary) => void): AsyncGenerator<CopyChunk> {
  const data: ProducerData = { seed, sizes, table, credits: 2 }
  const worker: Worker = startTsWorker(new URL('./producer-worker.ts', import.meta.url), { ...data }, WORKER_LIMITS)
  const inbox: (ProducerMessage | Error)[] = []
  let notify: (() => void) | null = null
  const push = (m: ProducerMessage | Error): void => {
    inbox.push(m)
    notify?.()
  }
  worker.on('message', push)
  worker.on('error', (e) => push(new ProducerError(`generator for ${table} failed: ${e.message}`, { cause: e })))
  worker.on('exit', (code) => push(new ProducerError(`generator for ${table} exited with code ${code}`)))
  try {
    for (;;) {
      while (!inbox.length) await new Promise<void>((r) => (notify = r))
      notify = null
      const m = inbox.shift()!
      if (m instanceof Error) throw m
      if (m.type === 'done') {
        onSummary(m.summary)
        return
      }
      yield { rows: m.rows, text: m.text }
      // The consumer asked for the next chunk: this one is written, so the worker may make another.
      worker.postMessage(1)
    }
  } finally {
    worker.removeAllListeners()
    await worker.terminate()
  }
}
