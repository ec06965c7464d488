// Users and history rows written straight into COPY text bytes, from the same draws as makeUser and
// makeHistory (so the bytes equal encodeCopy of those rows; see generate.test.ts). Every pool value
// is escaped and UTF-8 encoded once per seed; a row costs a few small byte copies and digits.
import type { InterviewOutcome } from '../../../actors/model/types.ts'
import { copyBytes, rawBytes, ByteWriter, NL, TAB } from './bytes.ts'
import {
  ABANDONED_END,
  ANSWER_PREFIX,
  type InterviewerIndex,
  NO_SHOW_TRANSCRIPT,
  QUESTION_PREFIX,
  drawInterview,
  emptyDraw,
  transcriptOpening,
  userMasks,
  type InterviewDraw,
  type UserMasks,
} from './history.ts'
import { drawProfile, emptyProfile, makeUserCore, slug, type ProfileDraw, type UserCore } from './people.ts'
import { poolsFor, type NamePool, type Pools } from './pools.ts'
import { Rng, STREAM } from './rng.ts'
import { historyBefore, historyCount, type Sizes } from './sizes.ts'
import { DAY_MS } from './vocab.ts'

/** Byte strings and single bytes, joined. */
function join(...parts: (Uint8Array | number)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])))
}

/** Memoised COPY bytes of small vocabularies (countries, topics, levels, …). */
class Memo {
  readonly #m = new Map<string, Uint8Array>()
  constructor(readonly encode: (s: string) => Uint8Array) {}
  get(s: string): Uint8Array {
    let b = this.#m.get(s)
    if (b === undefined) this.#m.set(s, (b = this.encode(s)))
    return b
  }
}

/** A text[] element as copyArray writes it: quoted, backslash-escaped, then COPY-escaped. */
const arrayElement = (s: string): Uint8Array => copyBytes(`"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`)

interface EncodedNames {
  first: Uint8Array[]
  last: Uint8Array[]
  firstSlug: Uint8Array[]
  lastSlug: Uint8Array[]
}

const NULL = rawBytes('\\N')
const ABANDONED = copyBytes(ABANDONED_END)
/** Whole minutes (every history start) end the same way. */
const ZERO_SECONDS = rawBytes(':00.000Z')
const COMMA = 44
const OPEN = 123
const CLOSE = 125

/** Writes generated rows of one seed as COPY text lines (columns in copy.ts COLUMNS order). */
export class RowEncoder {
  readonly #seed: number
  readonly #pools: Pools
  readonly #phrases: Uint8Array[]
  /** Transcript lines with the speaker prefix before them, joined once (fewer copies per row). */
  readonly #questions: Uint8Array[]
  readonly #answers: Uint8Array[]
  readonly #names = new Map<NamePool, EncodedNames>()
  readonly #text = new Memo(copyBytes)
  readonly #element = new Memo(arrayElement)
  /** "topic<TAB>" and the transcript's start, by topic and whether the user showed up. */
  readonly #opening = new Memo((t) => join(copyBytes(t), TAB, copyBytes(transcriptOpening(t))))
  readonly #noShow = new Memo((t) => join(copyBytes(t), TAB, copyBytes(NO_SHOW_TRANSCRIPT)))
  /** "outcome<TAB>". */
  readonly #outcome = new Memo((o) => join(copyBytes(o), TAB))
  readonly #days = new Map<number, Uint8Array>()
  readonly #profile: ProfileDraw = emptyProfile()
  readonly #draw: InterviewDraw = emptyDraw()
  readonly #masks: UserMasks = { languages: 0, topics: 0 }

  constructor(seed: number) {
    this.#seed = seed
    this.#pools = poolsFor(seed)
    this.#phrases = this.#pools.phrases.map(copyBytes)
    this.#questions = this.#pools.questions.map((q) => copyBytes(QUESTION_PREFIX + q))
    this.#answers = this.#pools.phrases.map((p) => copyBytes(ANSWER_PREFIX + p))
  }

  /** One users line; returns the user's core (for tallies). */
  user(w: ByteWriter, id: number): UserCore {
    const c = makeUserCore(this.#seed, id)
    const d = this.#profile
    drawProfile(this.#seed, c, d)
    const names = this.#encodedNames(d.pool)
    const text = this.#text
    w.reserve(512)
    w.uint(id)
    w.byte(TAB)
    w.bytes(names.first[d.first])
    w.byte(32)
    w.bytes(names.last[d.last])
    w.byte(TAB)
    w.bytes(names.firstSlug[d.first])
    w.byte(46)
    w.bytes(names.lastSlug[d.last])
    w.uint(id)
    w.byte(64)
    w.bytes(text.get(d.domain))
    w.byte(TAB)
    w.bytes(text.get(c.age_band))
    w.byte(TAB)
    w.bytes(text.get(c.country.name))
    w.byte(TAB)
    w.bytes(text.get(d.timezone))
    w.byte(TAB)
    w.bytes(text.get(d.education))
    w.byte(TAB)
    w.bytes(text.get(c.industry))
    w.byte(TAB)
    w.bytes(text.get(c.level))
    w.byte(TAB)
    this.#array(w, c.languages)
    w.byte(TAB)
    if (c.preferred_type === null) w.bytes(NULL)
    else w.bytes(text.get(c.preferred_type))
    w.byte(TAB)
    this.#array(w, c.topics)
    w.byte(TAB)
    this.#time(w, c.created_ms)
    w.byte(NL)
    return c
  }

  /**
   * A user's history lines, ids from firstId; calls onOutcome per row (for tallies). Same draws as
   * makeHistory.
   */
  history(w: ByteWriter, user: UserCore, count: number, firstId: number, index: InterviewerIndex, onOutcome: (o: InterviewOutcome) => void): void {
    if (count === 0 || index.all.length === 0) return
    const r = Rng.for(this.#seed, STREAM.history, user.id)
    const d = this.#draw
    const um = userMasks(user, this.#masks)
    for (let k = 0; k < count; k++) {
      drawInterview(r, this.#seed, user, um, index, this.#pools, d)
      onOutcome(d.outcome)
      w.reserve(1024)
      w.uint(firstId + k)
      w.byte(TAB)
      w.uint(user.id)
      w.byte(TAB)
      w.uint(d.interviewer_id)
      w.byte(TAB)
      w.bytes(this.#outcome.get(d.outcome))
      w.uint(d.duration_min)
      w.byte(TAB)
      if (d.rating === null) w.bytes(NULL)
      else w.uint(d.rating)
      w.byte(TAB)
      if (d.outcome === 'no_show') w.bytes(this.#noShow.get(d.topic))
      else {
        w.bytes(this.#opening.get(d.topic))
        w.bytes(this.#phrases[d.phrase])
        if (d.outcome === 'abandoned') w.bytes(ABANDONED)
        else {
          w.bytes(this.#questions[d.question])
          w.bytes(this.#answers[d.phrase2])
        }
      }
      w.byte(TAB)
      this.#time(w, d.started_ms)
      w.byte(NL)
    }
  }

  #array(w: ByteWriter, xs: readonly string[]): void {
    w.byte(OPEN)
    for (let i = 0; i < xs.length; i++) {
      if (i) w.byte(COMMA)
      w.bytes(this.#element.get(xs[i]))
    }
    w.byte(CLOSE)
  }

  /** As isoTime / Date#toISOString: YYYY-MM-DDTHH:MM:SS.mmmZ. */
  #time(w: ByteWriter, ms: number): void {
    const day = Math.floor(ms / DAY_MS)
    let date = this.#days.get(day)
    if (date === undefined) this.#days.set(day, (date = rawBytes(new Date(day * DAY_MS).toISOString().slice(0, 11))))
    w.bytes(date)
    let rest = ms - day * DAY_MS
    if (rest % 60_000 === 0) {
      const minutes = rest / 60_000
      w.two(Math.floor(minutes / 60))
      w.byte(58)
      w.two(minutes % 60)
      w.bytes(ZERO_SECONDS)
      return
    }
    const milli = rest % 1000
    rest = (rest - milli) / 1000
    const sec = rest % 60
    rest = (rest - sec) / 60
    w.two(Math.floor(rest / 60))
    w.byte(58)
    w.two(rest % 60)
    w.byte(58)
    w.two(sec)
    w.byte(46)
    const h = Math.floor(milli / 100)
    w.byte(48 + h)
    w.two(milli - h * 100)
    w.byte(90)
  }

  #encodedNames(pool: NamePool): EncodedNames {
    let e = this.#names.get(pool)
    if (!e) {
      e = {
        first: pool.first.map(copyBytes),
        last: pool.last.map(copyBytes),
        firstSlug: pool.first.map((s) => rawBytes(slug(s))),
        lastSlug: pool.last.map((s) => rawBytes(slug(s))),
      }
      this.#names.set(pool, e)
    }
    return e
  }
}

/** Chunks of about this many bytes; a chunk ends at a row boundary. */
export const CHUNK_BYTES = 1 << 20
/** Room kept for the row that crosses the threshold (rows are far shorter). */
const SLACK = 16 << 10

export interface ByteChunk {
  rows: number
  bytes: Uint8Array
  /** Hands the buffer back for reuse once bytes are consumed (optional). */
  done: () => void
}

function chunk(w: ByteWriter, rows: number): ByteChunk {
  const bytes = w.take()
  return { rows, bytes, done: () => w.recycle(bytes) }
}

/** Users 1..N as COPY byte chunks; onUser sees each user's core. */
export function* userByteChunks(seed: number, sizes: Sizes, onUser: (c: UserCore) => void, chunkBytes = CHUNK_BYTES): Generator<ByteChunk> {
  const enc = new RowEncoder(seed)
  const w = new ByteWriter(chunkBytes + SLACK)
  let rows = 0
  for (let id = 1; id <= sizes.users; id++) {
    onUser(enc.user(w, id))
    rows++
    if (w.pos >= chunkBytes) {
      yield chunk(w, rows)
      rows = 0
    }
  }
  if (rows) yield chunk(w, rows)
}

/** Users from..to (1-based, inclusive): a part of a table generated on its own. */
export interface UserRange {
  from: number
  to: number
}

/**
 * History for users 1..N in order (ids 1.. consecutive, as historyBatches) as COPY byte chunks; with
 * a range, only those users' history, with the ids it has in the whole table.
 */
export function* historyByteChunks(
  seed: number,
  sizes: Sizes,
  index: InterviewerIndex,
  onOutcome: (o: InterviewOutcome) => void,
  chunkBytes = CHUNK_BYTES,
  range: UserRange = { from: 1, to: sizes.users },
): Generator<ByteChunk> {
  const enc = new RowEncoder(seed)
  const w = new ByteWriter(chunkBytes + SLACK)
  let nextId = 1 + historyBefore(seed, range.from, sizes.historyPerUser)
  let rows = 0
  for (let uid = range.from; uid <= Math.min(range.to, sizes.users); uid++) {
    const count = historyCount(seed, uid, sizes.historyPerUser)
    if (count === 0) continue
    enc.history(w, makeUserCore(seed, uid), count, nextId, index, onOutcome)
    nextId += count
    rows += count
    if (w.pos >= chunkBytes) {
      yield chunk(w, rows)
      rows = 0
    }
  }
  if (rows) yield chunk(w, rows)
}
