// Architecture rules, checked by `npm run lint`: the layers point down only
// (client/ <- actors/ <- server/), nothing imports in a cycle, and a folder with an index.ts is
// entered through it. Test files and test support (actors/testing/, test/) may reach across.
const TESTS = '(\\.test\\.ts$|^test/|^actors/testing/)'

/**
 * Folders whose index.ts is their public surface: from outside, import only that index.ts.
 * server/store, actors/bus and actors/scoring also have an index.ts, but their siblings still
 * import types.ts / scoring.ts directly; they join this list once those imports go through it.
 */
const BARRELS = ['server/auth', 'server/gateway', 'server/seed', 'client/sdk']

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'client-is-the-bottom-layer',
      severity: 'error',
      comment: 'client/ (the wire protocol and SDK) imports nothing from actors/ or server/.',
      from: { path: '^client/' },
      to: { path: '^(actors|server)/' },
    },
    {
      name: 'actors-do-not-import-server',
      severity: 'error',
      comment: 'actors/ depends only on client/ and its own ports; server/ passes logger and config in.',
      from: { path: '^actors/', pathNot: TESTS },
      to: { path: '^server/' },
    },
    ...BARRELS.map((dir) => ({
      name: `enter-${dir.replace('/', '-')}-through-index`,
      severity: 'error',
      comment: `Outside ${dir}/, import ${dir}/index.ts, not the files behind it.`,
      from: { pathNot: [`^${dir}/`, TESTS] },
      to: { path: `^${dir}/`, pathNot: `^${dir}/index\\.ts$` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
}
