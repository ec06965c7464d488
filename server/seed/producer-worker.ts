// Generator worker: produces one table's rows as COPY text chunks off the main thread, under a heap
// cap, and hands them over as the main thread acknowledges each write (credit-based flow control).
import { parentPort, workerData } from 'node:worker_threads'
import type { SeedTable } from '../store/types.ts'
import { tableChunks } from './chunks.ts'
import type { Sizes } from './generate/index.ts'
import type { SeedSummary } from './summary.ts'

export interface ProducerData {
  seed: number
  sizes: Sizes
  table: SeedTable
  /** Chunks that may be in flight before an acknowledgement. */
  credits: number
}
export type ProducerMessage = { type: 'chunk'; rows: number; text: Uint8Array } | { type: 'done'; summary: SeedSummary }

const port = parentPort!
const { seed, sizes, table, credits } = workerData as ProducerData
let credit = credits
const encoder = new TextEncoder()
let wake: (() => void) | null = null
port.on('message', () => {
  credit++
  wake?.()
})

for (const c of tableChunks(table, seed, sizes, (summary) => port.postMessage({ type: 'done', summary } satisfies ProducerMessage))) {
  while (credit === 0) await new Promise<void>((r) => (wake = r))
  wake = null
  credit--
  // Bytes, transferred: the main thread receives no large strings, which would wait in its heap
  // for a full GC, and the UTF-8 encoding happens here rather than on the I/O thread.
  const bytes = typeof c.text === 'string' ? encoder.encode(c.text) : c.text
  port.postMessage({ type: 'chunk', rows: c.rows, text: bytes } satisfies ProducerMessage, [bytes.buffer as ArrayBuffer])
}
port.close()
