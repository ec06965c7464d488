// Fencing epochs for cluster shards: each new owner raises a shard's epoch when it takes the shard,
// and every write of that shard's state checks the epoch in its own transaction (server/store/epochs.ts).
export default /* sql */ `
create table shard_epochs (
  shard integer primary key check (shard >= 0),
  epoch bigint not null check (epoch >= 1),
  owner text not null,
  taken_at timestamptz not null default now()
);
`
