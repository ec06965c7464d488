// L2-regularised logistic regression fitted by IRLS (Newton's method), plus the metrics a model
// version records: log loss, Brier score (calibration) and AUC. Pure and dependency-free: the
// feature count is small (tens), so each Newton step solves a d×d system directly.

export interface LogisticModel {
  intercept: number
  coefficients: number[]
}

export interface FitOptions {
  /** L2 penalty on the coefficients (not the intercept); 0 for none. */
  l2?: number
  maxIter?: number
  /** Stop when no parameter moves more than this in a step. */
  tol?: number
}

export interface Metrics {
  rows: number
  positives: number
  log_loss: number
  brier: number
  auc: number
}

export class LearnError extends Error {
  readonly code: 'invalid' | 'too_few_rows'
  constructor(code: LearnError['code'], message: string) {
    super(message)
    this.name = 'LearnError'
    this.code = code
  }
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))

export function predict(m: { readonly intercept: number; readonly coefficients: readonly number[] }, x: readonly number[]): number {
  let z = m.intercept
  for (let j = 0; j < m.coefficients.length; j++) z += m.coefficients[j] * (x[j] ?? 0)
  return sigmoid(Number.isFinite(z) ? z : 0)
}

/** Fits y ~ sigmoid(b0 + b·x). Rows must be finite and of one width; y is 0/1 (or booleans). */
export function fitLogistic(xs: readonly (readonly number[])[], ys: readonly (number | boolean)[], opts: FitOptions = {}): LogisticModel {
  const n = xs.length
  if (n !== ys.length) throw new LearnError('invalid', `${n} rows but ${ys.length} labels`)
  if (n === 0) throw new LearnError('too_few_rows', 'no rows to fit')
  const d = xs[0].length
  for (const x of xs) {
    if (x.length !== d) throw new LearnError('invalid', 'rows differ in width')
    for (const v of x) if (!Number.isFinite(v)) throw new LearnError('invalid', 'a feature is not finite')
  }
  const l2 = opts.l2 ?? 1
  const maxIter = opts.maxIter ?? 50
  const tol = opts.tol ?? 1e-8
  const p = d + 1 // parameter 0 is the intercept
  const beta = new Float64Array(p)
  const H = new Float64Array(p * p)
  const g = new Float64Array(p)
  for (let it = 0; it < maxIter; it++) {
    H.fill(0)
    g.fill(0)
    for (let i = 0; i < n; i++) {
      const x = xs[i]
      let z = beta[0]
      for (let j = 0; j < d; j++) z += beta[j + 1] * x[j]
      const mu = sigmoid(z)
      const r = (ys[i] ? 1 : 0) - mu
      // A floor on the weight keeps H invertible when predictions saturate.
      const w = Math.max(mu * (1 - mu), 1e-10)
      g[0] += r
      H[0] += w
      for (let a = 0; a < d; a++) {
        const xa = x[a]
        g[a + 1] += r * xa
        H[(a + 1) * p] += w * xa
        for (let b = 0; b <= a; b++) H[(a + 1) * p + b + 1] += w * xa * x[b]
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) H[b * p + a] = H[a * p + b]
    for (let j = 1; j < p; j++) {
      H[j * p + j] += l2
      g[j] -= l2 * beta[j]
    }
    const step = solve(H, g, p)
    let moved = 0
    for (let j = 0; j < p; j++) {
      beta[j] += step[j]
      moved = Math.max(moved, Math.abs(step[j]))
    }
    if (moved < tol) break
  }
  return { intercept: beta[0], coefficients: Array.from(beta.subarray(1)) }
}

/** Solves A·x = b (A symmetric positive definite, p×p row-major) by Cholesky; A is overwritten. */
function solve(A: Float64Array, b: Float64Array, p: number): Float64Array {
  for (let j = 0; j < p; j++) {
    let s = A[j * p + j]
    for (let k = 0; k < j; k++) s -= A[j * p + k] ** 2
    const diag = Math.sqrt(Math.max(s, 1e-12))
    A[j * p + j] = diag
    for (let i = j + 1; i < p; i++) {
      let t = A[i * p + j]
      for (let k = 0; k < j; k++) t -= A[i * p + k] * A[j * p + k]
      A[i * p + j] = t / diag
    }
  }
  const y = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    let t = b[i]
    for (let k = 0; k < i; k++) t -= A[i * p + k] * y[k]
    y[i] = t / A[i * p + i]
  }
  const x = new Float64Array(p)
  for (let i = p - 1; i >= 0; i--) {
    let t = y[i]
    for (let k = i + 1; k < p; k++) t -= A[k * p + i] * x[k]
    x[i] = t / A[i * p + i]
  }
  return x
}

/** Log loss, Brier score and AUC (ties count half) of predictions against 0/1 labels. */
export function metricsOf(preds: readonly number[], ys: readonly (number | boolean)[]): Metrics {
  const n = preds.length
  let ll = 0
  let brier = 0
  let pos = 0
  for (let i = 0; i < n; i++) {
    const y = ys[i] ? 1 : 0
    const q = Math.min(1 - 1e-12, Math.max(1e-12, preds[i]))
    ll -= y * Math.log(q) + (1 - y) * Math.log(1 - q)
    brier += (preds[i] - y) ** 2
    pos += y
  }
  // AUC by ranks (Mann–Whitney), averaging the ranks of tied predictions.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => preds[a] - preds[b])
  let rankSum = 0
  for (let i = 0; i < n; ) {
    let j = i
    while (j + 1 < n && preds[order[j + 1]] === preds[order[i]]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (ys[order[k]]) rankSum += rank
    i = j + 1
  }
  const neg = n - pos
  const auc = pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : 0.5
  return { rows: n, positives: pos, log_loss: n ? ll / n : 0, brier: n ? brier / n : 0, auc }
}
