// Authentication and authorization: JWT verification, open local mode, the role policy.
export { AuthError, Authenticator, CANONICAL_INTERVIEWER_ID, TokenVerifier, bearer, credentials, isRole, openPrincipal, parseTtl, signToken, subjectProblem, type Principal } from './jwt.ts'
export { VERBS, authorize, interviewerOf, mayUse, type Verb } from './policy.ts'
