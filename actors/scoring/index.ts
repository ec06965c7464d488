// Scoring, public surface.
export * from './scoring.ts'
export { WeightsBook, WeightsError } from './weights.ts'
