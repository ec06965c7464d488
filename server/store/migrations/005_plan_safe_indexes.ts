// Indexes that keep start-up lookups off sequential scans as tables grow: the latest snapshot run of
// one shard layout (snapshot_runs gains a row per run, forever) is read by one index probe.
export default /* sql */ `
create index snapshot_runs_shard_idx on snapshot_runs (shard_index, shard_count, id desc);
`
