// Compact decision records. Every route writes a decision row before its reply, and on the embedded
// default each byte of it costs time in the single PGlite thread every commit waits on: about half
// of a commit went into the verbose bids (each with its factor names) and into building jsonb
// values that only this server ever reads back. Now:
// - bids is JSON text of one array per bid, in the fixed order of rows.ts's BID_FIELDS:
//   [interviewer_id, score, queue_depth, estimated_start_min, source (0 local, 1 remote),
//    topic, experience, cost, load, fairness, quality];
// - skipped_hosts, request and result are JSON text, stored as sent (no jsonb build; nothing
//   queries inside them).
// Rows written before this migration are converted, so every row has the one format.
export default /* sql */ `
alter table decisions add column bids_compact text;
update decisions set bids_compact = coalesce((
  select json_agg(json_build_array(
      e->'interviewer_id', e->'score', e->'queue_depth', e->'estimated_start_min',
      case when e->>'source' = 'remote' then 1 else 0 end,
      e->'factors'->'topic', e->'factors'->'experience', e->'factors'->'cost',
      e->'factors'->'load', e->'factors'->'fairness', e->'factors'->'quality') order by o)
    from jsonb_array_elements(bids) with ordinality as t(e, o)), '[]'::json)::text;
alter table decisions drop column bids;
alter table decisions rename column bids_compact to bids;
alter table decisions alter column bids set not null;
alter table decisions
  alter column skipped_hosts type text using skipped_hosts::text,
  alter column request type text using request::text,
  alter column result type text using result::text;
`
