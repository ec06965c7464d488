// "Why did this go there?": one interviewer against one recorded decision. Answers only from what the
// decision recorded (request, bids with factors, weights version) and the interviewer's profile now,
// and lists plainly what that cannot tell (availability and queue at the time, the scan's cut-off).
import type { Factors, Interviewer, Weights } from '../../client/model.ts'
import type { DecisionExplanation } from '../../client/protocol.ts'
import type { DecisionRecord } from '../ports.ts'

const FACTORS: (keyof Factors)[] = ['topic', 'experience', 'cost', 'load', 'fairness', 'quality']
const r4 = (x: number) => Math.round(x * 10_000) / 10_000

/** The static hard filters of the candidate scan (actors/shard/candidates.ts), on a profile. */
function filtersOf(d: DecisionRecord, iv: Interviewer): DecisionExplanation['filters'] {
  const req = d.request
  return [
    {
      filter: 'language',
      passed: iv.languages.includes(req.language),
      detail: iv.languages.includes(req.language) ? `speaks ${req.language}` : `does not speak ${req.language} (speaks ${iv.languages.join(', ') || 'nothing listed'})`,
    },
    {
      filter: 'clearance',
      passed: !req.sensitivity || iv.clearance,
      detail: !req.sensitivity ? 'the request was not sensitive' : iv.clearance ? 'cleared for sensitive interviews' : 'the request was sensitive and this interviewer is not cleared',
    },
    {
      filter: 'budget',
      passed: iv.cost <= req.budget,
      detail: iv.cost <= req.budget ? `costs ${iv.cost}, within the budget of ${req.budget}` : `costs ${iv.cost}, over the budget of ${req.budget} by ${r4(iv.cost - req.budget)}`,
    },
  ]
}

/**
 * Explains the decision for interviewer `iv`. `weights` is the version the decision was scored with
 * when it is still stored (null: factor differences are shown unweighted and that is said).
 */
export function explainDecision(d: DecisionRecord, iv: Interviewer, weights: Weights | null): DecisionExplanation {
  const unknown: string[] = ['The profile is read now; it may have changed since the decision.']
  if (d.skipped_hosts.length) unknown.push(`Shard hosts ${d.skipped_hosts.join(', ')} did not answer before the deadline: their interviewers could not bid.`)
  const base = { decision_id: d.decision_id, interviewer_id: iv.id, winner_id: d.interviewer_id, filters: filtersOf(d, iv), gap: null, factors: [], unknown }
  if (d.interviewer_id === iv.id) return { ...base, verdict: 'won', summary: `Interviewer ${iv.id} won this decision with score ${d.score}.` }

  const mine = d.bids.find((b) => b.interviewer_id === iv.id)
  if (mine) {
    const winner = d.bids.find((b) => b.interviewer_id === d.interviewer_id)
    if (!winner) {
      return { ...base, verdict: 'no_winner', summary: `Interviewer ${iv.id} bid ${mine.score}, but the decision assigned nobody (status ${d.status}).` }
    }
    if (!weights) unknown.push(`Weights version ${d.weights_version} is no longer stored: factor differences are unweighted.`)
    const factors = FACTORS.map((f) => {
      const weight = weights ? weights[f] : 1
      return { factor: f, weight, winner: winner.factors[f], this: mine.factors[f], weighted_diff: r4(weight * (winner.factors[f] - mine.factors[f])) }
    }).sort((a, b) => b.weighted_diff - a.weighted_diff)
    const gap = r4(winner.score - mine.score)
    const losses = factors.filter((f) => f.weighted_diff > 0)
    const why = losses.length ? losses.map((f) => `${f.factor} (−${f.weighted_diff})`).join(', ') : 'no single factor (ties broken by order)'
    if (mine.source === 'remote' || winner.source === 'remote') unknown.push('A remote bid replaced a computed score: the gap may not equal the weighted factor differences.')
    return { ...base, verdict: 'outscored', gap, factors, summary: `Interviewer ${iv.id} bid ${mine.score} and lost to ${winner.interviewer_id} (${winner.score}) by ${gap}, mostly on ${why}.` }
  }

  const refused = base.filters.filter((f) => !f.passed)
  if (refused.length) {
    return { ...base, verdict: 'filtered', summary: `Interviewer ${iv.id} could not bid: ${refused.map((f) => f.detail).join('; ')}.` }
  }
  unknown.push(
    'Whether the interviewer was online at the time (availability is not recorded per decision).',
    'Its queue at the time: full, or too long to start within sla_min (the queue is not recorded per decision).',
    `Whether it fell outside the scan limit or the ${d.bids.length} best bids kept (only kept bids are recorded).`,
  )
  return {
    ...base,
    verdict: 'not_bid',
    summary: `Interviewer ${iv.id} passes the static filters (language, clearance, budget) by its current profile but did not bid; the record cannot say which dynamic reason kept it out.`,
  }
}
