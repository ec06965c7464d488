// One table's generated rows as COPY text chunks, tallied for the summary as they pass: the work a
// generator worker does when SeedRunOptions.worker asks for one, otherwise run in-process.
import { encodeCopy } from '../store/copy.ts'
import type { CopyChunk, SeedTable } from '../store/types.ts'
import { CHUNK_BYTES, historyByteChunks, userByteChunks, type UserRange } from './generate/encode.ts'
import { DEFAULT_BATCH, interviewerBatches, interviewerIndex, type Sizes } from './generate/index.ts'
import { SummaryBuilder, type SeedSummary } from './summary.ts'

/** Yields the chunks, then hands the table's tally to onSummary; history may be one range of users'. */
export function* tableChunks(table: SeedTable, seed: number, sizes: Sizes, onSummary: (s: SeedSummary) => void, users?: UserRange): Generator<CopyChunk> {
  const tally = new SummaryBuilder(seed, sizes)
  if (table === 'users') {
    for (const c of userByteChunks(seed, sizes, (u) => tally.user(u.languages[0], u.level))) yield { rows: c.rows, text: c.bytes, done: c.done }
  } else if (table === 'interviewers') {
    for (const b of interviewerBatches(seed, sizes, DEFAULT_BATCH)) {
      tally.interviewers(b)
      yield { rows: b.length, text: encodeCopy('interviewers', b) }
    }
  } else {
    for (const c of historyByteChunks(seed, sizes, interviewerIndex(seed, sizes.interviewers), (o) => tally.interview(o), CHUNK_BYTES, users)) yield { rows: c.rows, text: c.bytes, done: c.done }
  }
  onSummary(tally.finish())
}
