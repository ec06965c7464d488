// Worker-thread entry: registers tsx in this thread (workers do not inherit the loader) and loads the worker.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.entry)
