// Fitting a success model on interview history: pair features, a deterministic train / hold-out
// split, an L2 logistic fit, and hold-out metrics (log loss, Brier, AUC). Pure: the caller loads rows.
import type { Interviewer } from '../../client/model.ts'
import type { InterviewerStats, User } from '../model/types.ts'
import { FEATURE_NAMES, featuresOf } from './features.ts'
import { fitLogistic, LearnError, metricsOf, predict, type LogisticModel, type Metrics } from './logistic.ts'

/** Fewer rows than this cannot estimate eleven coefficients and a hold-out score. */
export const MIN_TRAINING_ROWS = 200

export interface HistoryExample {
  user: User
  interviewer_id: number
  outcome: 'completed' | 'no_show' | 'abandoned'
  topic: string
}

export interface TrainedModel {
  features: string[]
  model: LogisticModel
  /** Hold-out metrics, plus the rows each side used. */
  metrics: Metrics & { train_rows: number; holdout_rows: number; l2: number }
  rows_used: number
}

/**
 * Trains on the examples whose interviewer is known; every fifth row is held out for the metrics.
 * Success is a completed interview. Too few rows → LearnError('too_few_rows'), nothing fitted.
 */
export function trainSuccessModel(
  examples: readonly HistoryExample[],
  interviewers: ReadonlyMap<number, Interviewer>,
  stats: ReadonlyMap<number, InterviewerStats>,
  opts: { l2?: number; minRows?: number } = {},
): TrainedModel {
  const xs: number[][] = []
  const ys: number[] = []
  for (const e of examples) {
    const iv = interviewers.get(e.interviewer_id)
    if (!iv) continue
    xs.push(featuresOf(e.user, iv, stats.get(e.interviewer_id), [e.topic]))
    ys.push(e.outcome === 'completed' ? 1 : 0)
  }
  const min = opts.minRows ?? MIN_TRAINING_ROWS
  if (xs.length < min) throw new LearnError('too_few_rows', `${xs.length} usable history rows; training needs at least ${min}`)
  const positives = ys.reduce((a, b) => a + b, 0)
  if (positives === 0 || positives === ys.length) throw new LearnError('too_few_rows', 'every history row has the same outcome: nothing to learn')
  const l2 = opts.l2 ?? 1
  const train = { xs: [] as number[][], ys: [] as number[] }
  const hold = { xs: [] as number[][], ys: [] as number[] }
  for (let i = 0; i < xs.length; i++) {
    const side = i % 5 === 4 ? hold : train
    side.xs.push(xs[i])
    side.ys.push(ys[i])
  }
  const model = fitLogistic(train.xs, train.ys, { l2 })
  const m = metricsOf(
    hold.xs.map((x) => predict(model, x)),
    hold.ys,
  )
  return { features: [...FEATURE_NAMES], model, metrics: { ...m, train_rows: train.xs.length, holdout_rows: hold.xs.length, l2 }, rows_used: xs.length }
}
