// The route priority cap: clients and interviewers up to CLIENT_PRIORITY_MAX, operators any.
import { describe, expect, it } from 'vitest'
import { CLIENT_PRIORITY_MAX, priorityRefusal } from './policy.ts'
import type { Principal } from './jwt.ts'

const as = (role: Principal['role']): Principal => ({ sub: 's', role, exp: Infinity, key: `${role}:s` })

describe('priority cap', () => {
  it('lets a client use priorities up to the cap, refuses above it with forbidden; operators may use any', () => {
    expect(priorityRefusal(as('client'), undefined)).toBeNull()
    expect(priorityRefusal(as('client'), CLIENT_PRIORITY_MAX)).toBeNull()
    expect(priorityRefusal(as('client'), -1000)).toBeNull()
    expect(priorityRefusal(as('client'), 1000)).toMatchObject({ code: 'forbidden' })
    expect(priorityRefusal(as('interviewer'), CLIENT_PRIORITY_MAX + 1)).toMatchObject({ code: 'forbidden' })
    expect(priorityRefusal(as('operator'), 1000)).toBeNull()
  })
})
