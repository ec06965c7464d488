// Sign-in for the browser apps: the token lives in sessionStorage (this tab only, never in the URL),
// HTTP calls carry it as a Bearer header, and a page first asks the server whether the token may
// open it, showing the server's own refusal (unauthorized / forbidden) on the sign-in form.
import { h, render } from 'preact'
import htm from 'htm'
import type { ErrorBody } from '../protocol.ts'
import { ApiError } from './live.ts'

export const html = htm.bind(h)
const KEY = 'router.token'

export const authMode = (): 'jwt' | 'open' => (document.body.dataset.auth === 'jwt' ? 'jwt' : 'open')
export const getToken = (): string | null => sessionStorage.getItem(KEY)

/** The unverified claims of a token, for display and the console's own interviewer id; the server decides. */
export function claimsOf(token: string | null): { sub?: string; role?: string } | null {
  const part = token?.split('.')[1]
  if (!part) return null
  try {
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string; role?: string }
  } catch {
    return null
  }
}

export async function api<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
  const token = getToken()
  const r = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = (await r.json()) as T | { error: ErrorBody }
  if (!r.ok) throw new ApiError((data as { error: ErrorBody }).error ?? { code: 'internal', message: `HTTP ${r.status}` })
  return data as T
}

function SignIn(props: { page: string; message: string; onToken: (t: string) => void }) {
  const submit = (e: Event) => {
    e.preventDefault()
    const value = ((e.target as HTMLFormElement).elements.namedItem('token') as HTMLTextAreaElement).value.trim()
    if (value) props.onToken(value)
  }
  return html`<main class="signin">
    <h1>Sign in to the ${props.page}</h1>
    <p>Paste a token (<code>npm run token -- --role …</code>). It is kept in this tab's session storage only.</p>
    ${props.message ? html`<p class="error" id="signin-error">${props.message}</p>` : null}
    <form onSubmit=${submit}><textarea name="token" id="token" rows="4" cols="60"></textarea><br /><button type="submit" id="signin">Sign in</button></form>
  </main>`
}

/**
 * Shows the page once `check` (an HTTP call only an allowed token passes) succeeds; otherwise the
 * sign-in form with the server's refusal. In open local mode there is no token and no form.
 */
export async function boot(page: string, check: () => Promise<unknown>, start: (root: HTMLElement, token: string | null) => void): Promise<void> {
  const root = document.getElementById('app')!
  const signIn = (message: string) =>
    render(
      html`<${SignIn}
        page=${page}
        message=${message}
        onToken=${(t: string) => {
          sessionStorage.setItem(KEY, t)
          void boot(page, check, start)
        }}
      />`,
      root,
    )
  if (authMode() === 'jwt' && !getToken()) return signIn('')
  try {
    await check()
  } catch (err) {
    sessionStorage.removeItem(KEY)
    const e = err instanceof ApiError ? err : new ApiError({ code: 'unavailable', message: String(err) })
    const what = e.code === 'forbidden' ? `This token may not open the ${page} (forbidden): ${e.message}` : `Token refused (${e.code}): ${e.message}`
    return signIn(what)
  }
  render(null, root)
  start(root, getToken())
}
