// The narrow SQL seam both backends implement, so one SqlStore holds every query for both.

export type Row = Record<string, unknown>

export interface Step {
  text: string
  params: readonly unknown[]
}

export interface Queryer {
  /** One statement with $n parameters; pass strings/numbers/booleans/null only (cast in SQL). */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>
}

export interface Db extends Queryer {
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<R>(fn: (tx: Queryer) => Promise<R>): Promise<R>
  /**
   * Optional: the statements in one transaction in one hop (PGlite: one message to its worker, so
   * the single connection never sits locked waiting for this thread). Rows of each, in order.
   */
  steps?(list: readonly Step[]): Promise<Row[][]>
  /**
   * Like query, for one of the few statement texts run over and over (the commit's shapes): the
   * driver keeps it prepared, so the database parses and plans it once per connection. Values of
   * the rows may come back as text.
   */
  queryPrepared<T extends Row = Row>(text: string, params: readonly unknown[]): Promise<T[]>
  /**
   * Optional: wall-clock ms the database thread has spent executing statements since it opened
   * (PGlite's worker). Busy close to all the time means every commit waits on that one thread.
   */
  busyMs?(): number
  close(): Promise<void>
}
