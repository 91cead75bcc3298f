/**
 * CPU profiles of the server process over exactly the measured window: the server runs with
 * `--inspect=127.0.0.1:0`, and the orchestrator starts and stops V8's sampling profiler over the
 * inspector's WebSocket (Chrome DevTools Protocol), so start-up and setup stay out of the profile.
 */
import { writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';

/** Node flags that open the inspector on a free loopback port. */
export const INSPECT_FLAGS = ['--inspect=127.0.0.1:0'] as const;

/** Waits for the "Debugger listening on ws://…" line of a child started with INSPECT_FLAGS. */
export function inspectorUrl(child: ChildProcess, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error('The server never printed its inspector URL.')),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stderr?.on('data', onData);
  });
}

/** A DevTools protocol session with one process. */
export class InspectorSession {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (message.id === undefined) return;
      const pending = this.waiting.get(message.id);
      if (!pending) return;
      this.waiting.delete(message.id);
      if (message.error) pending.reject(new Error(message.error.message));
      else pending.resolve(message.result);
    });
  }

  static async connect(url: string): Promise<InspectorSession> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1024 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new InspectorSession(ws);
  }

  post<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Starts sampling (every `intervalUs` microseconds). */
  async startProfile(intervalUs = 500): Promise<void> {
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.post('Profiler.start');
  }

  /** Stops sampling and writes the profile (a `.cpuprofile`, readable by DevTools) to `file`. */
  async stopProfile(file: string): Promise<void> {
    const { profile } = await this.post<{ profile: unknown }>('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    await this.post('Profiler.disable');
  }

  close(): void {
    this.ws.close();
  }
}
