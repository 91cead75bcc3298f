/**
 * A refused call or request: the server's `{ code, message, details }`, or a client-side code
 * (`CLIENT_CLOSED`, `CLIENT_TIMEOUT`, `CLIENT_DISCONNECTED`, `CLIENT_QUEUE_FULL`,
 * `CLIENT_NETWORK`).
 * @public
 */
export class SwitchboardClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** HTTP status, for errors of {@link SwitchboardClient.rest}. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SwitchboardClientError';
  }
}
