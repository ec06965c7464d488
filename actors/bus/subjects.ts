// NATS subject matching shared by both bus implementations: `*` is one token, `>` the rest.

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
