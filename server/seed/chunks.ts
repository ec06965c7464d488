// One table's generated rows as COPY text chunks, tallied for the summary as they pass: the work a
// generator worker does when SeedRunOptions.worker asks for one, otherwise run in-process.
import { encodeCopy } from '../store/copy.ts'
import type { CopyChunk, SeedTable } from '../store/types.ts'
import { historyByteChunks, userByteChunks } from './generate/encode.ts'
import { DEFAULT_BATCH, interviewerBatches, interviewerIndex, type Sizes } from './generate/index.ts'
import { SummaryBuilder, type SeedSummary } from './summary.ts'

/** Yields the chunks, then hands the table's tally to onSummary. */
export function* tableChunks(table: SeedTable, seed: number, sizes: Sizes, onSummary: (s: SeedSummary) => void): Generator<CopyChunk> {
  const tally = new SummaryBuilder(seed, sizes)
  if (table === 'users') {
    for (const c of userByteChunks(seed, sizes, (u) => tally.user(u.languages[0], u.level))) yield { rows: c.rows, text: c.bytes, done: c.done }
  } else if (table === 'interviewers') {
    for (const b of interviewerBatches(seed, sizes, DEFAULT_BATCH)) {
      tally.interviewers(b)
      yield { rows: b.length, text: encodeCopy('interviewers', b) }
    }
  } else {
    for (const c of historyByteChunks(seed, sizes, interviewerIndex(seed, sizes.interviewers), (o) => tally.interview(o))) yield { rows: c.rows, text: c.bytes, done: c.done }
  }
  onSummary(tally.finish())
}
