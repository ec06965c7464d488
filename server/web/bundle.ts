// Builds the browser apps (client/web/*-page.ts: Preact + htm + uPlot from node_modules) into single
// ES modules with esbuild, once at start-up and in memory: no CDN, no build step, nothing fetched.
import { buildSync } from 'esbuild'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const WEB = join(import.meta.dirname, '../../client/web')
export const PAGES = ['dashboard', 'console'] as const
export type Page = (typeof PAGES)[number]

export interface WebAssets {
  /** path → [content type, body] */
  files: Record<string, [string, string]>
}

export function buildWebAssets(): WebAssets {
  const out = buildSync({
    entryPoints: PAGES.map((p) => join(WEB, `${p}-page.ts`)),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: '/web',
    // Preact's JSX is not used (htm tagged templates), so no JSX settings are needed.
    logLevel: 'silent',
  })
  const files: Record<string, [string, string]> = {}
  for (const f of out.outputFiles) files[`/web/${f.path.split('/').pop()}`] = ['text/javascript; charset=utf-8', f.text]
  const uplotCss = readFileSync(join(dirname(require.resolve('uplot/package.json')), 'dist/uPlot.min.css'), 'utf8')
  files['/web/app.css'] = ['text/css; charset=utf-8', uplotCss + readFileSync(join(WEB, 'app.css'), 'utf8')]
  return { files }
}
