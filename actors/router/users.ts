// A bounded user cache in front of the Directory: routing looks a user up on every request.
// Misses are not cached (a user created a moment ago must be found); hits expire after ttlMs.
import type { User } from '../model/types.ts'
import type { Directory } from '../ports.ts'

export class UserCache {
  #dir: Pick<Directory, 'getUser'>
  #max: number
  #ttl: number
  #map = new Map<number, { user: User; at: number }>()
  #loading = new Map<number, Promise<User | null>>()

  constructor(dir: Pick<Directory, 'getUser'>, opts: { max?: number; ttlMs?: number } = {}) {
    this.#dir = dir
    this.#max = opts.max ?? 200_000
    this.#ttl = opts.ttlMs ?? 60_000
  }

  /** The cached user when fresh, else undefined (call load()). Synchronous, for the hot path. */
  peek(id: number, now: number): User | undefined {
    const hit = this.#map.get(id)
    return hit && now - hit.at < this.#ttl ? hit.user : undefined
  }

  load(id: number): Promise<User | null> {
    const inflight = this.#loading.get(id)
    if (inflight) return inflight
    const p = this.#dir.getUser(id).then(
      (u) => {
        this.#loading.delete(id)
        if (u) {
          // Map keeps insertion order: dropping the first key evicts the oldest entry.
          if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value as number)
          this.#map.set(id, { user: u, at: Date.now() })
        }
        return u
      },
      (err: unknown) => {
        this.#loading.delete(id)
        throw err
      },
    )
    this.#loading.set(id, p)
    return p
  }

  clear(): void {
    this.#map.clear()
  }
}
