// The dependency rules bite: depcruise, run with the repo's .dependency-cruiser.cjs on a small tree
// written for the test, reports a cycle, each upward import and a deep import past an index.ts, and
// reports nothing on the same tree without them.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')
const BIN = join(ROOT, 'node_modules', '.bin', 'depcruise')

interface Violation {
  rule: { name: string }
  from: string
  to: string
}

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'))
  dirs.push(dir)
  const all = { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', allowImportingTsExtensions: true, noEmit: true } }), ...files }
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

function run(dir: string, outputType: string) {
  return spawnSync(BIN, ['client', 'actors', 'server', '--config', CONFIG, '--output-type', outputType], { cwd: dir, encoding: 'utf8' })
}

function cruise(dir: string): Violation[] {
  const r = run(dir, 'json')
  expect(r.error).toBeUndefined()
  const out = JSON.parse(r.stdout) as { summary: { violations: Violation[] } }
  return out.summary.violations
}

const CLEAN: Record<string, string> = {
  'client/protocol.ts': 'export type Msg = { type: string }\n',
  'actors/ports.ts': "import type { Msg } from '../client/protocol.ts'\nexport type Port = (m: Msg) => void\n",
  'actors/a.ts': "import type { Port } from './ports.ts'\nimport { b } from './b.ts'\nexport const a = (p: Port): number => b + (p ? 1 : 0)\n",
  'actors/b.ts': 'export const b = 1\n',
  'server/gateway/index.ts': "export { http } from './http.ts'\n",
  'server/gateway/http.ts': 'export const http = 1\n',
  'server/app.ts': "import { a } from '../actors/a.ts'\nimport { http } from './gateway/index.ts'\nexport const app = a(() => {}) + http\n",
}

describe('dependency rules', () => {
  it('report nothing on a tree that keeps them', () => {
    const dir = tree(CLEAN)
    expect(cruise(dir)).toEqual([])
    expect(run(dir, 'err').status).toBe(0)
  })

  it('report a cycle, imports up the layers and a deep import past index.ts', () => {
    const dir = tree({
      ...CLEAN,
      // cycle: a → b → a
      'actors/b.ts': "import { a } from './a.ts'\nexport const b = 1\nexport const again = a\n",
      // client imports actors; actors import server
      'client/protocol.ts': "import { b } from '../actors/b.ts'\nexport type Msg = { type: string }\nexport const n = b\n",
      'actors/ports.ts': "import type { Msg } from '../client/protocol.ts'\nimport { app } from '../server/app.ts'\nexport type Port = (m: Msg) => void\nexport const x = app\n",
      // past server/gateway/index.ts
      'server/app.ts': "import { a } from '../actors/a.ts'\nimport { http } from './gateway/http.ts'\nexport const app = a(() => {}) + http\n",
    })
    const found = cruise(dir).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
    expect(found).toEqual(
      expect.arrayContaining([
        'no-circular: actors/a.ts -> actors/b.ts',
        'client-is-the-bottom-layer: client/protocol.ts -> actors/b.ts',
        'actors-do-not-import-server: actors/ports.ts -> server/app.ts',
        'enter-server-gateway-through-index: server/app.ts -> server/gateway/http.ts',
      ]),
    )
    // The reporter `npm run lint` uses exits non-zero on them, so lint fails.
    expect(run(dir, 'err').status).not.toBe(0)
  })
})
