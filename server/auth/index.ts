// Authentication and authorization: JWT verification, open local mode, the role policy.
export { AuthError, Authenticator, TokenVerifier, bearer, credentials, openPrincipal, parseTtl, signToken, type Principal } from './jwt.ts'
export { VERBS, authorize, interviewerOf, mayUse, priorityRefusal, type Verb } from './policy.ts'
