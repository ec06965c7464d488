// NATS subject names and matching: the engine's subjects under one prefix, and the wildcard rules
// shared by both bus implementations (`*` is one token, `>` the rest).

/** True when the subject pattern holds a wildcard token. */
export function hasWildcard(pattern: string): boolean {
  return pattern === '>' || pattern === '*' || pattern.includes('.*') || pattern.includes('.>') || pattern.startsWith('*.')
}

/** True when `subject` (no wildcards) matches `pattern` under NATS rules. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true
  const p = pattern.split('.')
  const s = subject.split('.')
  for (let i = 0; i < p.length; i++) {
    const tok = p[i]
    if (tok === '>') return s.length > i
    if (i >= s.length) return false
    if (tok !== '*' && tok !== s[i]) return false
  }
  return p.length === s.length
}

/** Tokens are non-empty, free of spaces; `*` and `>` only as whole tokens (`>` last). */
export function isValidSubject(subject: string, allowWildcards = true): boolean {
  if (!subject) return false
  const toks = subject.split('.')
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]
    if (allowWildcards && (tok === '*' || (tok === '>' && i === toks.length - 1))) continue
    if (!tok || /[\s*>]/.test(tok)) return false
  }
  return true
}

/** Every subject the engine uses, under one prefix (SUBJECT_PREFIX): the only place they are named. */
export const subjects = (prefix: string) => ({
  score: (shard: number) => `${prefix}.shard.${shard}.score`,
  commit: (shard: number) => `${prefix}.shard.${shard}.commit`,
  ctl: (shard: number) => `${prefix}.shard.${shard}.ctl`,
  weights: `${prefix}.weights`,
  freed: `${prefix}.freed`,
  heldPolicy: `${prefix}.held.policy`,
  bidders: `${prefix}.bidders`,
  bidder: (iv: number) => `${prefix}.bidder.${iv}`,
  decisions: `${prefix}.decisions`,
  assignments: (iv: number | '*') => `${prefix}.assignments.${iv}`,
  heartbeat: (node: string) => `${prefix}.nodes.${node}.heartbeat`,
})
export type Subjects = ReturnType<typeof subjects>
