// The one wire module of shard traffic: the messages between routers and shard hosts (score and
// commit batches and their replies, control requests, remote bids) and their MessagePack codecs.
// Hosts see the same shapes on both buses: in-process the message object travels by reference (no
// encoding), on NATS it is encoded here and decoded back into that shape. Every message is plain
// data built by its sender for the wire, never an object its sender keeps working on.
import { Packr } from 'msgpackr'
import type { Availability, Bid } from '../../client/model.ts'
import type { Assignment } from '../model/types.ts'
import type { DecisionDraft } from '../model/decision.ts'
import type { Bus } from '../bus/types.ts'
import type { InterviewEnd, RouteRequest, RouteResult } from '../../client/protocol.ts'

// One Packr for the process; plain maps (no records) so any msgpack reader can decode a payload.
const packr = new Packr({ useRecords: false, moreTypes: false })
export const pack = (v: unknown): Uint8Array => packr.pack(v)
export const unpack = <T>(data: Uint8Array): T => packr.unpack(data) as T

/** Publishes a message object: by reference on the in-process bus (no encoding), else encoded. */
export function sendValue<T>(bus: Bus, subject: string, value: T, encode: (v: T) => Uint8Array, reply?: string): void {
  if (bus.publishValue) bus.publishValue(subject, value, reply)
  else bus.publish(subject, encode(value), reply)
}

/** A message that does not decode into its type (a peer on another version, a corrupt payload). */
export class WireError extends Error {
  override name = 'WireError'
}

/** A scoring request, prepared once by the router (lower-cased language and topics). */
export interface ScoreReq {
  lang: string
  topics: string[]
  budget: number
  sens: boolean
  sla: number
  /** USER_LEVELS index or -1. */
  level: number
  k: number
  now: number
  excl?: number[]
  /** Remote bidders must answer within this many ms. */
  remote_ms: number
  /** The original request, sent only while some interviewer bids remotely (it is shown to it). */
  req: RouteRequest | null
}

export interface CommitReq {
  iv: number
  score: number
  sla: number
  /** Read-only for the host; on the wire its bids are flattened by packBids. */
  draft: DecisionDraft
}

// Batches: the router sends the routes of one event-loop turn as ONE message per shard host (and
// their commits likewise); a host answers a score batch with one reply, and commit items as their
// actors answer, gathered per turn into one reply message per router inbox.
export interface ScoreBatch {
  reqs: ScoreReq[]
}

export interface ScoreBatchReply {
  shard: number
  node: string
  /** Per request: interviewers passing the static filters but full or too late. */
  full: number[]
  /** Per request: its bids, best first. */
  lists: Bid[][]
}

export interface CommitBatch {
  items: CommitReq[]
}

/** Answers to some items of one commit batch: idx[i] is the item that replies[i] answers. */
export interface CommitBatchReply {
  idx: number[]
  replies: CommitReply[]
}

export type CommitReply = { ok: true; result: RouteResult } | { ok: false; code: 'refused' | 'conflict' | 'unavailable' | 'not_found'; reason?: string }

export type CtlReq =
  | { op: 'complete'; iv?: number; aid?: string; end?: InterviewEnd }
  | { op: 'cancel'; aid: string }
  | { op: 'accept'; aid: string }
  | { op: 'reject'; aid: string }
  | { op: 'availability'; iv: number; av: Availability }
  | { op: 'state'; iv?: number }
  | { op: 'owner'; aid: string }
  | { op: 'reset'; by: string }
  | { op: 'reload' }

export type CtlReply = { ok: true; shard: number; r: unknown } | { ok: false; shard: number; code: string; msg: string }

export interface TransitionResult {
  assignment: Assignment
  interviewer_id: number
  current_queue: number
  /** For reject: the request to route again. */
  request?: RouteRequest
}

export interface BidderMsg {
  iv: number
  on: boolean
}

export interface RemoteBidReq {
  bid_id: string
  iv: number
  req: RouteRequest
  local: number | null
  ms: number
}

const BID_WIDTH = 11

/** Flattens bids to numbers: id, score, six factors, queue depth, estimated start, remote flag. */
function packBids(bids: readonly Bid[], out: number[] = []): number[] {
  for (const b of bids) {
    const f = b.factors
    out.push(b.interviewer_id, b.score, f.topic, f.experience, f.cost, f.load, f.fairness, f.quality, b.queue_depth, b.estimated_start_min, b.source === 'remote' ? 1 : 0)
  }
  return out
}

function unpackBids(flat: readonly number[], out: Bid[] = []): Bid[] {
  for (let i = 0; i + BID_WIDTH <= flat.length; i += BID_WIDTH) {
    out.push({
      interviewer_id: flat[i],
      score: flat[i + 1],
      factors: { topic: flat[i + 2], experience: flat[i + 3], cost: flat[i + 4], load: flat[i + 5], fairness: flat[i + 6], quality: flat[i + 7] },
      queue_depth: flat[i + 8],
      estimated_start_min: flat[i + 9],
      source: flat[i + 10] === 1 ? 'remote' : 'local',
    })
  }
  return out
}

// The hot messages travel as positional arrays: no keys to write or read, about half the
// MessagePack cost of maps. Each has one encoder and one decoder here, next to its type.

type CommitArr = [number, number, number, string, string | null, number, number, number[], string[], number, string, string, RouteRequest]

function commitArr(c: CommitReq): CommitArr {
  const d = c.draft
  return [c.iv, c.score, c.sla, d.decision_id, d.request_id, d.user_id, d.weights_version, packBids(d.bids), d.skipped_hosts, d.latency_us, d.node_id, d.at, d.request]
}

function commitOf(a: CommitArr): CommitReq {
  if (!Array.isArray(a) || a.length !== 13 || !Array.isArray(a[7])) throw new WireError('malformed commit item')
  return {
    iv: a[0],
    score: a[1],
    sla: a[2],
    draft: {
      type: 'decision',
      decision_id: a[3],
      request_id: a[4],
      user_id: a[5],
      weights_version: a[6],
      bids: unpackBids(a[7]),
      skipped_hosts: a[8],
      latency_us: a[9],
      node_id: a[10],
      at: a[11],
      request: a[12],
    },
  }
}

/** A commit batch on the wire: an array of commit arrays. */
export function encodeCommitBatch(b: CommitBatch): Uint8Array {
  return pack(b.items.map(commitArr))
}

/** Throws WireError on anything but a commit batch. */
export function decodeCommitBatch(data: Uint8Array): CommitBatch {
  const a = unpack<CommitArr[]>(data)
  if (!Array.isArray(a)) throw new WireError('malformed commit batch')
  return { items: a.map(commitOf) }
}

function replyArr(r: CommitReply): unknown[] {
  return r.ok ? [1, r.result] : [0, r.code, r.reason ?? null]
}

function replyOf(a: [1, RouteResult] | [0, 'refused' | 'conflict' | 'unavailable' | 'not_found', string | null]): CommitReply {
  if (!Array.isArray(a)) throw new WireError('malformed commit reply')
  return a[0] === 1 ? { ok: true, result: a[1] } : { ok: false, code: a[1], reason: a[2] ?? undefined }
}

export function encodeCommitBatchReply(r: CommitBatchReply): Uint8Array {
  return pack([r.idx, r.replies.map(replyArr)])
}

/** Throws WireError on anything but a commit batch reply. */
export function decodeCommitBatchReply(data: Uint8Array): CommitBatchReply {
  const a = unpack<[number[], Parameters<typeof replyOf>[0][]]>(data)
  if (!Array.isArray(a) || !Array.isArray(a[0]) || !Array.isArray(a[1]) || a[0].length !== a[1].length) throw new WireError('malformed commit batch reply')
  return { idx: a[0], replies: a[1].map(replyOf) }
}

type ScoreArr = [string, string[], number, boolean, number, number, number, number, number, number[] | null, RouteRequest | null]

function scoreOf(a: ScoreArr): ScoreReq {
  if (!Array.isArray(a) || a.length !== 11 || typeof a[0] !== 'string' || !Array.isArray(a[1])) throw new WireError('malformed score request')
  const r: ScoreReq = { lang: a[0], topics: a[1], budget: a[2], sens: a[3], sla: a[4], level: a[5], k: a[6], now: a[7], remote_ms: a[8], req: a[10] }
  if (a[9]) r.excl = a[9]
  return r
}

function scoreArr(r: ScoreReq): ScoreArr {
  return [r.lang, r.topics, r.budget, r.sens, r.sla, r.level, r.k, r.now, r.remote_ms, r.excl ?? null, r.req]
}

/** A score batch on the wire: an array of score arrays. */
export function encodeScoreBatch(b: ScoreBatch): Uint8Array {
  return pack(b.reqs.map(scoreArr))
}

/** Throws WireError on anything but a score batch. */
export function decodeScoreBatch(data: Uint8Array): ScoreBatch {
  const a = unpack<ScoreArr[]>(data)
  if (!Array.isArray(a)) throw new WireError('malformed score batch')
  return { reqs: a.map(scoreOf) }
}

/** A batch reply on the wire: [shard, node, full per request, bid count per request, all bids flattened]. */
export function encodeScoreBatchReply(r: ScoreBatchReply): Uint8Array {
  const flat: number[] = []
  const counts = r.lists.map((l) => {
    packBids(l, flat)
    return l.length
  })
  return pack([r.shard, r.node, r.full, counts, flat])
}

/** A batch reply, or null for anything malformed (counted as a host that did not answer). */
export function tryDecodeScoreBatchReply(data: Uint8Array, n: number): ScoreBatchReply | null {
  try {
    const a = unpack<[number, string, number[], number[], number[]]>(data)
    if (!Array.isArray(a) || !Number.isInteger(a[0]) || !Array.isArray(a[2]) || !Array.isArray(a[3]) || !Array.isArray(a[4]) || a[2].length !== n || a[3].length !== n) return null
    const lists: Bid[][] = []
    let at = 0
    for (let i = 0; i < n; i++) {
      const end = at + a[3][i] * BID_WIDTH
      lists.push(unpackBids(a[4].slice(at, end)))
      at = end
    }
    return { shard: a[0], node: a[1], full: a[2], lists }
  } catch {
    return null
  }
}
