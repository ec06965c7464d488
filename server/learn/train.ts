// Training a success model on the history in the database and saving it as the next version.
import { trainSuccessModel } from '../../actors/learn/train.ts'
import type { Store, ModelVersion } from '../store/index.ts'

export interface TrainOptions {
  /** Newest history rows to train on. */
  limit?: number
  l2?: number
  minRows?: number
}

/** Fits on the store's history and saves the model; a tiny or empty history throws LearnError('too_few_rows') and saves nothing. */
export async function trainFromStore(store: Store, opts: TrainOptions = {}): Promise<ModelVersion> {
  const [rows, interviewers, stats] = await Promise.all([store.trainingRows(opts.limit ?? 200_000), store.loadInterviewers(), store.interviewerStats()])
  const t = trainSuccessModel(rows, new Map(interviewers.map((iv) => [iv.id, iv])), new Map(stats.map((s) => [s.interviewer_id, s])), { l2: opts.l2, minRows: opts.minRows })
  return store.saveModelVersion({ features: t.features, coefficients: { intercept: t.model.intercept, weights: t.model.coefficients }, metrics: { ...t.metrics }, rows_used: t.rows_used })
}
