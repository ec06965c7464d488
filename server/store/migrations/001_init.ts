// Initial schema. No foreign keys on the bulk-loaded tables (users, interviewers, interviews): COPY of
// millions of rows stays on the fast path, and the generator guarantees referential integrity by
// construction (the seed test checks it). Live tables reference nothing either: assignments and
// decisions are written on the routing hot path, where an FK lookup per row buys nothing.
export default /* sql */ `
create table users (
  id integer primary key,
  name text not null,
  email text not null,
  age_band text not null,
  country text not null,
  timezone text not null,
  education text not null,
  industry text not null,
  level text not null,
  languages text[] not null,
  preferred_type text,
  topics text[] not null,
  created_at timestamptz not null
);
-- Prefix search on the full name, the last name and the email (GET /v1/users?search=).
create index users_name_idx on users (lower(name) text_pattern_ops);
create index users_last_name_idx on users (lower(regexp_replace(name, '^.* ', '')) text_pattern_ops);
create index users_email_idx on users (lower(email) text_pattern_ops);

create table interviewers (
  id integer primary key,
  name text not null,
  type text not null check (type in ('human', 'ai')),
  languages text[] not null,
  specializations text[] not null,
  seniority text not null,
  years_experience integer not null,
  cost double precision not null,
  concurrency integer not null check (concurrency >= 1),
  capacity integer not null check (capacity >= concurrency),
  clearance boolean not null,
  availability text not null check (availability in ('online', 'paused', 'offline')),
  rating double precision not null,
  timezone text not null,
  avg_duration_min integer not null
);

create table interviews (
  id integer primary key,
  user_id integer not null,
  interviewer_id integer not null,
  outcome text not null check (outcome in ('completed', 'no_show', 'abandoned')),
  duration_min integer not null,
  rating smallint,
  topic text not null,
  transcript text not null,
  started_at timestamptz not null
);
create index interviews_user_idx on interviews (user_id, started_at desc);
create index interviews_interviewer_idx on interviews (interviewer_id);

create table assignments (
  id text primary key,
  request_id text,
  decision_id text not null,
  user_id integer not null,
  interviewer_id integer not null,
  score double precision not null,
  state text not null check (state in ('offered', 'accepted', 'active', 'completed', 'cancelled', 'expired')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
-- Only open assignments occupy capacity; actors rebuild their queues from these at start-up.
create index assignments_open_idx on assignments (interviewer_id, created_at) where state in ('offered', 'accepted', 'active');
create index assignments_open_created_idx on assignments (created_at) where state in ('offered', 'accepted', 'active');
create index assignments_decision_idx on assignments (decision_id);

create table decisions (
  id text primary key,
  -- The persisted idempotency key: unique where present (nulls are distinct).
  request_id text unique,
  user_id integer not null,
  status text not null,
  interviewer_id integer,
  score double precision,
  weights_version integer not null,
  bids jsonb not null,
  skipped_hosts jsonb not null,
  latency_us integer not null,
  node_id text not null,
  at timestamptz not null,
  request jsonb not null,
  result jsonb not null,
  assignment_id text
);
create index decisions_at_idx on decisions (at desc, id);
create index decisions_user_idx on decisions (user_id, at desc);
create index decisions_interviewer_idx on decisions (interviewer_id, at desc);
create index decisions_status_idx on decisions (status, at desc);

create table weight_versions (
  version integer primary key,
  weights jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now()
);

create table audit_log (
  id bigint generated always as identity primary key,
  actor text not null,
  action text not null,
  details jsonb not null,
  at timestamptz not null default now()
);
create index audit_log_at_idx on audit_log (at desc);

-- Latest actor state per interviewer, for fast recovery (used by the durability issue).
create table interviewer_snapshots (
  interviewer_id integer primary key,
  taken_at timestamptz not null,
  state jsonb not null,
  last_assignment_at timestamptz
);
`
