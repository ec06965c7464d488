// The Node client SDK.
export { RouterClient, connect, type ConnectOptions, type RouterClientEvents } from './client.ts'
export { Backoff, type ReconnectOptions } from './backoff.ts'
export { renewDelayMs, tokenExpiry, type TokenSource } from './token.ts'
