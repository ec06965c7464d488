// Durability: restore replays the assignments changed after a snapshot's watermark (an index on
// updated_at keeps that a range scan at millions of rows), and each snapshot run is recorded.
export default /* sql */ `
create index assignments_updated_idx on assignments (updated_at);

create table snapshot_runs (
  id bigint generated always as identity primary key,
  node_id text not null,
  shard_index integer not null,
  shard_count integer not null,
  reason text not null,
  interviewers integer not null,
  open_assignments integer not null,
  watermark timestamptz,
  taken_at timestamptz not null default now()
);
create index snapshot_runs_taken_idx on snapshot_runs (taken_at desc);
`
