// The held-request queries behind HeldLog, over the Db seam (both backends). Claims are one UPDATE
// … RETURNING, so two nodes renewing at once never both take a row.
import type { HeldLog, HeldRow } from '../../actors/ports.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import type { Db, Row } from './db.ts'

const COLUMNS = `id, request_id, node_id, request::text as request, to_char(queued_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as queued_at`

export function heldQueries(db: Db): HeldLog {
  return {
    async saveHeld(h) {
      await db.query(
        `insert into held_requests (id, request_id, node_id, request, queued_at) values ($1::text, $2::text, $3::text, $4::text::jsonb, $5::timestamptz)
        on conflict (id) do update set node_id = excluded.node_id, lease_at = now()`,
        [h.id, h.request_id, h.node_id, JSON.stringify(h.request), h.queued_at],
      )
    },
    async deleteHeld(ids) {
      if (ids.length === 0) return
      await db.query('delete from held_requests where id in (select json_array_elements_text($1::text::json))', [JSON.stringify(ids)])
    },
    async findHeld(requestId) {
      const [r] = await db.query<Row>(`select ${COLUMNS} from held_requests where request_id = $1::text`, [requestId])
      return r ? toHeld(r) : null
    },
    async claimHeld(nodeId, staleMs) {
      const rows = await db.query<Row>(
        `update held_requests set node_id = $1::text, lease_at = now()
        where node_id is null or node_id = $1::text or lease_at < now() - $2::int * interval '1 millisecond'
        returning ${COLUMNS}`,
        [nodeId, Math.max(0, Math.round(staleMs))],
      )
      return rows.map(toHeld).sort((a, b) => a.queued_at.localeCompare(b.queued_at))
    },
    async releaseHeld(nodeId) {
      await db.query('update held_requests set node_id = null where node_id = $1::text', [nodeId])
    },
  }
}

function toHeld(r: Row): HeldRow {
  return {
    id: String(r.id),
    request_id: r.request_id === null ? null : String(r.request_id),
    node_id: r.node_id === null ? null : String(r.node_id),
    request: JSON.parse(String(r.request)) as RouteRequest,
    queued_at: String(r.queued_at),
  }
}
