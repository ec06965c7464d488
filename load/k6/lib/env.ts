// Target and knobs for the k6 scripts, read from k6's __ENV (k6 -e KEY=value or the environment).
export const BASE_URL: string = __ENV.BASE_URL || 'http://127.0.0.1:8000'
export const TOKEN: string | undefined = __ENV.TOKEN || undefined
/** Interviewer console token (role interviewer or operator); falls back to TOKEN. */
export const INTERVIEWER_TOKEN: string | undefined = __ENV.INTERVIEWER_TOKEN || TOKEN

export const num = (name: string, fallback: number): number => {
  const raw = __ENV[name]
  const value = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${String(raw)}`)
  return value
}

/** Run id prefix for request_ids, so two runs never collide on idempotency keys. */
export const RUN_ID: string = __ENV.RUN_ID || `k6${Date.now().toString(36)}`
