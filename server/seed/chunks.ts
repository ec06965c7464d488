// One table's generated rows as COPY text chunks, tallied for the summary as they pass: the work a
// generator worker does, also run in-process for small datasets.
import { encodeCopy } from '../store/copy.ts'
import type { CopyChunk, SeedTable } from '../store/types.ts'
import { DEFAULT_BATCH, generateInterviewers, historyBatches, interviewerBatches, userBatches, type Sizes } from './generate/index.ts'
import { SummaryBuilder, type SeedSummary } from './summary.ts'

/** Yields the chunks, then hands the table's tally to onSummary. */
export function* tableChunks(table: SeedTable, seed: number, sizes: Sizes, onSummary: (s: SeedSummary) => void): Generator<CopyChunk> {
  const tally = new SummaryBuilder(seed, sizes)
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
  onSummary(tally.finish())
}
