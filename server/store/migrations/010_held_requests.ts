// Held requests (issue 16): a `queued` reply is a promise, so the request is persisted when it is
// held and removed when it leaves the hold. `node_id` is the router node that holds it in memory,
// `lease_at` that node's last renewal: a released row (null owner) or a stale lease is claimed by
// the next node that starts or renews, so held requests survive a restart and a dead node.
export default /* sql */ `
create table held_requests (
  id text primary key,
  request_id text unique,
  node_id text,
  lease_at timestamptz not null default now(),
  request jsonb not null,
  queued_at timestamptz not null
);
create index held_requests_node on held_requests (node_id);
`
