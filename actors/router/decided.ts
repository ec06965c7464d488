// What a route's decision step hands back; shared by the router and its commit batches.
import type { RouteResult } from '../../client/protocol.ts'
import type { DecisionRecord } from '../ports.ts'

/** A decision reached without holding: the result plus what to record. */
export interface Decided {
  result: RouteResult
  record: DecisionRecord
  /** True when the host already persisted the record (assigned). */
  persisted: boolean
}
