// Starts a worker thread from a .ts module. Workers inherit no TypeScript loader under every runner
// (Node 20 ignores `--import` in a worker's execArgv), so a tiny bootstrap registers tsx in the
// worker before importing the entry.
import { Worker, type ResourceLimits } from 'node:worker_threads'

const BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(require('node:worker_threads').workerData.__entry) })`

/** The parent's V8 heap flags would override the worker's own resourceLimits. */
const HEAP_FLAG = /^--max-(old|semi)-space-size/

export function startTsWorker(entry: URL, workerData: Record<string, unknown>, resourceLimits?: ResourceLimits): Worker {
  const execArgv = resourceLimits ? process.execArgv.filter((a) => !HEAP_FLAG.test(a)) : process.execArgv
  return new Worker(BOOT, { eval: true, execArgv, workerData: { ...workerData, __entry: entry.href }, resourceLimits })
}
