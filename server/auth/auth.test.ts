// JWT minting/verification and the role × verb policy, without a server.
import { describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { Authenticator, AuthError, TokenVerifier, authorize, bearer, credentials, interviewerOf, mayUse, parseTtl, signToken, VERBS, type Principal, type Verb } from './index.ts'

const SECRET = 'unit-secret-0123456789abcdef'
const p = (role: Principal['role'], sub = 'x'): Principal => ({ role, sub, exp: Infinity, key: `${role}:${sub}` })

describe('jwt', () => {
  it('round-trips sub and role', async () => {
    const v = new TokenVerifier(SECRET)
    const got = await v.verify(await signToken(SECRET, { sub: '7', role: 'interviewer', ttlS: 60 }))
    expect(got).toMatchObject({ sub: '7', role: 'interviewer', key: 'interviewer:7' })
  })

  it.each([
    ['expired', () => signToken(SECRET, { sub: 'a', role: 'client', ttlS: -60 })],
    ['wrong secret', () => signToken('other-secret-0123456789', { sub: 'a', role: 'client' })],
    ['unknown role', () => new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET))],
    ['no expiry', () => new SignJWT({ role: 'client' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').sign(new TextEncoder().encode(SECRET))],
    ['not a jwt', async () => 'abc.def.ghi'],
  ])('refuses %s with AuthError(unauthorized)', async (_name, make) => {
    const err = await new TokenVerifier(SECRET).verify(await make()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AuthError)
    expect((err as AuthError).code).toBe('unauthorized')
  })

  it('refuses an interviewer subject that is not the canonical decimal id (05 would be a second principal for 5)', async () => {
    const v = new TokenVerifier(SECRET)
    for (const sub of ['05', '000000000000005', '+5', '5.0', ' 5', '1e1', 'alice', '1234567890123456']) {
      const err = await v.verify(await signToken(SECRET, { sub, role: 'interviewer' })).catch((e: unknown) => e)
      expect(err, sub).toBeInstanceOf(AuthError)
    }
    expect(await v.verify(await signToken(SECRET, { sub: '0', role: 'interviewer' }))).toMatchObject({ key: 'interviewer:0' })
    // Other roles keep free-form subjects.
    expect(await v.verify(await signToken(SECRET, { sub: '05', role: 'client' }))).toMatchObject({ key: 'client:05' })
  })

  it('a token is refused from its exp on, with no clock tolerance, and known() answers only for unexpired tokens', async () => {
    const v = new TokenVerifier(SECRET)
    const dying = await signToken(SECRET, { sub: 'a', role: 'client', ttlS: -1 })
    await expect(v.verify(dying)).rejects.toBeInstanceOf(AuthError)
    const live = await signToken(SECRET, { sub: 'a', role: 'client', ttlS: 60 })
    expect(v.known(live)).toBeNull()
    await v.verify(live)
    expect(v.known(live)).toMatchObject({ sub: 'a', role: 'client' })
  })

  it('credentials: one token from the header or ?token=; two different ones are refused', () => {
    expect(credentials('', [])).toBe('')
    expect(credentials('Bearer abc', [])).toBe('abc')
    expect(credentials('', ['abc'])).toBe('abc')
    expect(credentials('Bearer abc', ['abc'])).toBe('abc')
    expect(() => credentials('Bearer abc', ['xyz'])).toThrow(AuthError)
    expect(() => credentials('', ['abc', 'xyz'])).toThrow(AuthError)
  })

  it('open local mode: everyone is an operator; with a secret a missing token is refused', () => {
    expect(new Authenticator('')).toMatchObject({ open: true })
    expect(new Authenticator('').authenticate('', '127.0.0.1')).toMatchObject({ role: 'operator' })
    expect(() => new Authenticator(SECRET).authenticate('', '127.0.0.1')).toThrow(AuthError)
  })

  it('parses ttl and bearer headers', () => {
    expect(parseTtl('90s')).toBe(90)
    expect(parseTtl('1h')).toBe(3600)
    expect(parseTtl('2d')).toBe(172_800)
    expect(() => parseTtl('soon')).toThrow(AuthError)
    expect(bearer('Bearer abc')).toBe('abc')
    expect(bearer('bearer  abc ')).toBe('abc')
    expect(bearer('Basic abc')).toBe('')
  })
})

describe('policy', () => {
  const CLIENT: Verb[] = ['route', 'cancel', 'state', 'ping', 'read_interviewers', 'subscribe_assignments']
  const INTERVIEWER: Verb[] = ['state', 'ping', 'bid', 'read_interviewers', 'complete', 'availability', 'accept', 'reject', 'subscribe_assignments']

  for (const verb of VERBS) {
    it(`${verb}: operator always; client ${CLIENT.includes(verb) ? 'yes' : 'no'}; interviewer ${INTERVIEWER.includes(verb) ? 'own only' : 'no'}`, () => {
      expect(authorize(p('operator'), verb, 99)).toBeNull()
      expect(authorize(p('client'), verb)?.code ?? null).toBe(CLIENT.includes(verb) ? null : 'forbidden')
      const own = authorize(p('interviewer', '7'), verb, 7)
      const other = authorize(p('interviewer', '7'), verb, 8)
      expect(own?.code ?? null).toBe(INTERVIEWER.includes(verb) ? null : 'forbidden')
      const ownOnly = ['complete', 'availability', 'accept', 'reject', 'subscribe_assignments'].includes(verb)
      expect(other?.code ?? null).toBe(INTERVIEWER.includes(verb) && !ownOnly ? null : 'forbidden')
    })
  }

  it('mayUse is the role-level half of authorize', () => {
    expect(mayUse(p('client'), 'accept')?.code).toBe('forbidden')
    expect(mayUse(p('interviewer', '7'), 'accept')).toBeNull()
    expect(mayUse(p('operator'), 'admin')).toBeNull()
  })

  it('an interviewer token whose sub is not an id acts for nobody', () => {
    expect(interviewerOf(p('interviewer', 'alice'))).toBeNull()
    expect(interviewerOf(p('interviewer', '05'))).toBeNull()
    expect(interviewerOf(p('interviewer', '5'))).toBe(5)
    expect(authorize(p('interviewer', 'alice'), 'availability', 1)?.code).toBe('forbidden')
    expect(interviewerOf(p('client', '7'))).toBeNull()
  })
})
