import { WebSocket } from 'ws';

/** A frame as the server sent it. */
export type ServerFrame = { type: string; id?: string | null; [key: string]: any };

/** The WebSocket URL of a server base URL (`http://host:port`). */
export function socketUrl(baseUrl: string): string {
  return baseUrl.replace(/^http/, 'ws') + '/api/v1/ws';
}

/**
 * A bare protocol client for adversarial tests: sends whatever it is given, records every frame
 * and the close. (The SwitchboardClient would refuse or repair much of what these tests send.)
 */
export class RawSocket {
  readonly frames: ServerFrame[] = [];
  /** Text of frames that were not JSON (there should be none). */
  readonly unparsable: string[] = [];
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  closeCode: number | null = null;
  private readonly waiters = new Set<() => void>();
  private nextId = 0;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        resolve({ code, reason: reason.toString() });
        this.notify();
      });
    });
    ws.on('message', (data) => {
      const text = data.toString();
      try {
        this.frames.push(JSON.parse(text) as ServerFrame);
      } catch {
        this.unparsable.push(text);
      }
      this.notify();
    });
    ws.on('error', () => {});
  }

  /** Opens a socket (no hello yet). */
  static open(baseUrl: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const ws = new WebSocket(socketUrl(baseUrl), { headers });
    const socket = new RawSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Opens a socket and says hello; throws with the answer when the hello is refused. */
  static async connect(
    baseUrl: string,
    token: string,
    resume?: Record<string, number>,
  ): Promise<{ socket: RawSocket; hello: ServerFrame }> {
    const socket = await RawSocket.open(baseUrl);
    const hello = await socket.request('hello', resume ? { token, resume } : { token });
    if (hello.type !== 'ack') {
      socket.terminate();
      throw new Error(`hello refused: ${JSON.stringify(hello)}`);
    }
    return { socket, hello };
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame: an object is serialised, a string or buffer goes as is. */
  send(frame: unknown, options: { binary?: boolean } = {}): void {
    if (!this.isOpen) return;
    const payload =
      typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    this.ws.send(payload, { binary: options.binary ?? false });
  }

  /** A fresh frame id. */
  newId(): string {
    return `r${++this.nextId}`;
  }

  /** Sends `{id, type, data}` and resolves with the ack or error carrying that id. */
  async request(type: string, data?: unknown, timeoutMs = 5000): Promise<ServerFrame> {
    const id = this.newId();
    this.send(data === undefined ? { id, type } : { id, type, data });
    return this.answerTo(id, timeoutMs);
  }

  /** The ack or error answering frame `id`. */
  answerTo(id: string, timeoutMs = 5000): Promise<ServerFrame> {
    return this.waitFor(
      (f) => (f.type === 'ack' || f.type === 'error') && f.id === id,
      timeoutMs,
      `answer to ${id}`,
    );
  }

  /** The first received frame that matches, waiting for it until the timeout or the close. */
  async waitFor(
    match: (frame: ServerFrame) => boolean,
    timeoutMs = 5000,
    what = 'a frame',
  ): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find(match);
      if (frame) return frame;
      const left = deadline - Date.now();
      if (left <= 0 || this.closeCode !== null) {
        throw new Error(
          `No ${what} (socket ${this.closeCode === null ? 'open' : `closed ${this.closeCode}`}); last frames: ${JSON.stringify(this.frames.slice(-5))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  /** Frames of `type` received so far. */
  ofType(type: string): ServerFrame[] {
    return this.frames.filter((f) => f.type === type);
  }

  /** Closes with a normal close handshake. */
  close(): Promise<{ code: number; reason: string }> {
    if (this.closeCode === null) this.ws.close();
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake (a network cut). */
  terminate(): void {
    this.ws.terminate();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Waits `ms` of real time. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
