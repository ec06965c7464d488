// Public client API: protocol types, validators, codec, typed errors and the SDK.
export * from './protocol.ts'
export { checkMessage, checkRouteRequest, checkRouteBatch, checkCompleteRequest, checkWeightsPatch, MESSAGE_TYPES, type Checked, type Invalid } from './schemas.ts'
export { decodeFrame, encodeFrame, DecodeError, type Encoding } from './codec.ts'
export { RouterError } from './errors.ts'
export { RouterClient, connect, Backoff, renewDelayMs, tokenExpiry, type ConnectOptions, type ReconnectOptions, type RouterClientEvents, type TokenSource } from './sdk/index.ts'
