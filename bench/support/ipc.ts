/**
 * Request/answer over a child's IPC channel: the orchestrator calls a command by name, the child
 * answers once. Used by the load generators and the bare servers.
 */
import type { ChildProcess } from 'node:child_process';
import { exited, tail } from './processes.js';

interface Call {
  readonly callId: number;
  readonly command: string;
  readonly input: unknown;
}

type Answer =
  | { readonly callId: number; readonly ok: true; readonly result: unknown }
  | { readonly callId: number; readonly ok: false; readonly error: string };

/** Sent once by a child when it is ready for calls. */
interface Ready {
  readonly ready: true;
  readonly info: unknown;
}

/** The parent's side: a child that answers commands. */
export class Worker {
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();
  readonly output: () => string;
  private readonly ready: Promise<unknown>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.output = tail(child);
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (raw: unknown) => {
        const message = raw as Answer | Ready;
        if ('ready' in message) {
          resolve(message.info);
          return;
        }
        const pending = this.waiting.get(message.callId);
        if (!pending) return;
        this.waiting.delete(message.callId);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new Error(`${name}: ${message.error}`));
      });
      child.once('exit', (code, signal) => {
        const error = new Error(
          `${name} exited (${code ?? signal}) with calls pending:\n${this.output()}`,
        );
        reject(error);
        for (const pending of this.waiting.values()) pending.reject(error);
        this.waiting.clear();
      });
    });
    // A failed start is reported by `started`; do not let it go unhandled meanwhile.
    this.ready.catch(() => undefined);
  }

  /** Resolves with what the child sent along with `ready`. */
  started(): Promise<unknown> {
    return this.ready;
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T>(command: string, input: unknown = null): Promise<T> {
    if (exited(this.child)) {
      return Promise.reject(new Error(`${this.name} is not running:\n${this.output()}`));
    }
    const callId = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(callId, { resolve: resolve as (v: unknown) => void, reject });
      const call: Call = { callId, command, input };
      this.child.send(call);
    });
  }
}

/** The child's side: answers calls with `handlers`, after announcing itself with `info`. */
export function serveCalls(
  handlers: Record<string, (input: any) => unknown>,
  info: unknown = null,
): void {
  if (!process.send) throw new Error('This script runs as a child with an IPC channel.');
  process.on('message', (raw: unknown) => {
    const call = raw as Call;
    const handler = handlers[call.command];
    const answer = (message: Answer) => process.send!(message);
    if (!handler) {
      answer({ callId: call.callId, ok: false, error: `unknown command "${call.command}"` });
      return;
    }
    Promise.resolve()
      .then(() => handler(call.input))
      .then(
        (result) => answer({ callId: call.callId, ok: true, result: result ?? null }),
        (error: unknown) =>
          answer({
            callId: call.callId,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  // The parent going away ends the child too.
  process.on('disconnect', () => process.exit(0));
  const ready: Ready = { ready: true, info };
  process.send(ready);
}
