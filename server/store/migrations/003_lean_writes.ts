// Leaner hot-path writes: every route writes a decision row and most write an assignment row, and
// each index is one more insertion per row (in PGlite, inside the worker that every commit waits
// on). Two indexes no query uses go:
// - assignments_decision_idx: nothing looks assignments up by decision_id (the commit checks the
//   decision side, through decisions' primary key);
// - decisions_status_idx: `GET /v1/decisions?outcome=` filters a handful of statuses, each a large
//   share of the table, which decisions_at_idx (newest first) serves as well as a status index.
export default /* sql */ `
drop index if exists assignments_decision_idx;
drop index if exists decisions_status_idx;
`
