// Generator worker: produces one table's rows as COPY text chunks off the main thread, under a heap
// cap, and hands them over as the main thread acknowledges each write (credit-based flow control).
import { parentPort, workerData } from 'node:worker_threads'
import { encodeCopy } from '../store/copy.ts'
import type { SeedTable } from '../store/types.ts'
import { DEFAULT_BATCH, generateInterviewers, historyBatches, interviewerBatches, userBatches, type Sizes } from './generate/index.ts'
import { SummaryBuilder } from './summary.ts'

export interface ProducerData {
  seed: number
  sizes: Sizes
  table: SeedTable
  /** Chunks that may be in flight before an acknowledgement. */
  credits: number
}
export type ProducerMessage =
  | { type: 'chunk'; rows: number; text: string }
  | { type: 'done'; summary: ReturnType<SummaryBuilder['finish']> }

const port = parentPort!
const { seed, sizes, table, credits } = workerData as ProducerData
let credit = credits
let wake: (() => void) | null = null
port.on('message', () => {
  credit++
  wake?.()
})

const tally = new SummaryBuilder(seed, sizes)

function* chunks(): Generator<{ rows: number; text: string }> {
  if (table === 'users') {
    for (const b of userBatches(seed, sizes, DEFAULT_BATCH)) {
      tally.users(b)
      yield { rows: b.length, text: encodeCopy('users', b) }
    }
  } else if (table === 'interviewers') {
    for (const b of interviewerBatches(seed, sizes, DEFAULT_BATCH)) {
      tally.interviewers(b)
      yield { rows: b.length, text: encodeCopy('interviewers', b) }
    }
  } else {
    for (const b of historyBatches(seed, sizes, DEFAULT_BATCH, generateInterviewers(seed, sizes.interviewers))) {
      tally.interviews(b)
      yield { rows: b.length, text: encodeCopy('interviews', b) }
    }
  }
}

for (const c of chunks()) {
  while (credit === 0) await new Promise<void>((r) => (wake = r))
  wake = null
  credit--
  port.postMessage({ type: 'chunk', ...c } satisfies ProducerMessage)
}
port.postMessage({ type: 'done', summary: tally.finish() } satisfies ProducerMessage)
port.close()
