// Authentication and authorization: JWT verification, open local mode, the role policy.
export { AuthError, Authenticator, TokenVerifier, bearer, isRole, openPrincipal, parseTtl, signToken, type Principal } from './jwt.ts'
export { VERBS, authorize, interviewerOf, type Verb } from './policy.ts'
