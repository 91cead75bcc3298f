import { WebSocket } from 'ws';
import type { MessageSnapshot, Principal } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import type { ChatCore } from '../../src/chat-core.js';
import { ChatTopics } from '../../src/chat/chat-events.js';
import type { PrincipalResolver } from '../../src/http/auth.js';
import type { RealtimeGateway } from '../../src/realtime/realtime-gateway.js';
import type { ReplayedMessage, ReplaySource } from '../../src/realtime/replay-source.js';
import { kernelOf } from '../support/kernel.js';

export { ChatTopics };

/** The chat core of a test kernel. */
export function chatOf(tk: TestKernel): ChatCore {
  return kernelOf(tk).chat as unknown as ChatCore;
}

/** The realtime gateway of a test kernel. */
export function gatewayOf(tk: TestKernel): RealtimeGateway {
  return chatOf(tk).realtime;
}

/** Publishes on the kernel bus, as the chat core does after a commit. */
export function publish(tk: TestKernel, topic: string, payload: unknown): Promise<void> {
  return kernelOf(tk).events.publish(topic, payload);
}

export function wsUrl(tk: TestKernel): string {
  return tk.url.replace(/^http/, 'ws') + '/api/v1/ws';
}

/** Polls `check` on real time until it holds. */
export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A frame as the server sent it. */
export type Frame = { type: string; id?: string | null; [key: string]: any };

/**
 * A raw WebSocket client that records every frame and the close, for asserting the protocol
 * byte by byte (the SwitchboardClient hides much of it).
 */
export class TestSocket {
  readonly frames: Frame[] = [];
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private taken = new Set<Frame>();
  private listeners = new Set<() => void>();
  private nextId = 0;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify();
      });
    });
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.notify();
    });
    ws.on('error', () => {});
  }

  static open(tk: TestKernel, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(wsUrl(tk), { headers });
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** Opens a socket and says hello with `token`; resolves once the hello is acked. */
  static async connect(
    tk: TestKernel,
    token: string,
    resume?: Record<string, number>,
  ): Promise<TestSocket> {
    const socket = await TestSocket.open(tk);
    const answer = await socket.request('hello', resume ? { token, resume } : { token });
    if (answer.type !== 'ack') throw new Error(`hello refused: ${JSON.stringify(answer)}`);
    return socket;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a frame (an object is serialised; a string goes as is). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends `{id, type, data}` and resolves with the ack or error of that id. */
  async request(type: string, data?: unknown): Promise<Frame> {
    const id = `t${++this.nextId}`;
    this.send(data === undefined ? { id, type } : { id, type, data });
    return this.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id);
  }

  /** The first frame not taken yet that matches, waiting for it if needed. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find((f) => !this.taken.has(f) && match(f));
      if (frame) {
        this.taken.add(frame);
        return frame;
      }
      const left = deadline - Date.now();
      if (left <= 0 || !this.isOpen) {
        throw new Error(`No matching frame; got ${JSON.stringify(this.frames.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.listeners.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.listeners.add(done);
      });
    }
  }

  /** Frames of `type` received so far. */
  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Tokens the test resolver turns into principals; see {@link withTestPrincipals}. */
export const TestTokens = {
  agent: 'test-agent-t1',
  agentTwo: 'test-agent2-t1',
  otherTenantAgent: 'test-agent-t2',
  visitor: 'test-visitor-t1',
  otherVisitor: 'test-visitor2-t1',
} as const;

/**
 * Adds a resolver for {@link TestTokens} to the chat core's resolvers (which the gateway reads
 * at each hello), standing in for the accounts area. Returns a function that removes it.
 */
export function withTestPrincipals(tk: TestKernel): () => void {
  const chat = chatOf(tk);
  const agent = chat.policy.permissionsOf('agent', 't1');
  const visitor = chat.policy.visitorPermissions();
  const principals: Record<string, Principal> = {
    [TestTokens.agent]: user('u1', 't1', 'tok-u1', agent),
    [TestTokens.agentTwo]: user('u2', 't1', 'tok-u2', agent),
    [TestTokens.otherTenantAgent]: user('u9', 't2', 'tok-u9', agent),
    [TestTokens.visitor]: visitorPrincipal('v1', 't1', 'tok-v1', visitor),
    [TestTokens.otherVisitor]: visitorPrincipal('v2', 't1', 'tok-v2', visitor),
  };
  const resolver: PrincipalResolver = (token) => principals[token] ?? null;
  chat.resolvers.push(resolver);
  // These stand-in visitors belong to no stored site, so the site origin check is lifted.
  chat.realtime.setOriginCheck(null);
  return () => {
    const index = chat.resolvers.indexOf(resolver);
    if (index >= 0) chat.resolvers.splice(index, 1);
  };
}

function user(
  userId: string,
  tenantId: string,
  sessionId: string,
  permissions: ReadonlySet<string>,
): Principal {
  return { kind: 'user', userId, tenantId, role: 'agent', permissions, sessionId };
}

function visitorPrincipal(
  visitorId: string,
  tenantId: string,
  sessionId: string,
  permissions: ReadonlySet<string>,
): Principal {
  return { kind: 'visitor', visitorId, tenantId, siteId: 's1', permissions, sessionId };
}

/** A stored message snapshot for bus payloads. */
export function message(
  conversationId: string,
  seq: number,
  extra: Partial<MessageSnapshot> = {},
): MessageSnapshot {
  return {
    id: `m-${conversationId}-${seq}`,
    tenantId: 't1',
    conversationId,
    seq,
    author: { kind: 'agent', id: 'u1' },
    kind: 'text',
    visibility: 'public',
    body: `message ${seq}`,
    clientMessageId: null,
    metadata: {},
    createdAt: Date.UTC(2026, 0, 1) + seq,
    ...extra,
  };
}

/**
 * An in-memory ReplaySource: conversations of tenant t1 (visitor v1) with messages whose user
 * seq and visitor seq are the same. `hold()` makes replays wait until `release()`.
 */
export class FakeReplay implements ReplaySource {
  readonly messages = new Map<string, MessageSnapshot[]>();
  /** Extra messages a replay repeats before `afterSeq`, to test deduplication. */
  overlap = 0;
  replays = 0;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  private entered: (() => void) | null = null;

  add(conversationId: string, count: number): MessageSnapshot[] {
    const list = this.messages.get(conversationId) ?? [];
    for (let i = 0; i < count; i++) list.push(message(conversationId, list.length + 1));
    this.messages.set(conversationId, list);
    return list;
  }

  /** Replays wait from now on; resolves when one has started waiting. */
  hold(): Promise<void> {
    this.gate = new Promise((resolve) => (this.open = resolve));
    return new Promise((resolve) => (this.entered = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = null;
  }

  async replay(
    principal: Principal,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: ReplayedMessage[]; latestSeq: number; gap: boolean } | null> {
    this.replays++;
    if (!(await this.canWatch(principal, conversationId))) return null;
    const list = this.messages.get(conversationId)!;
    this.entered?.();
    this.entered = null;
    if (this.gate) await this.gate;
    const latestSeq = list.length;
    if (latestSeq - afterSeq > limit) return { messages: [], latestSeq, gap: true };
    const from = Math.max(0, afterSeq - this.overlap);
    const messages = list.slice(from).map((m) => ({ id: m.id, seq: m.seq, message: m }));
    return { messages, latestSeq, gap: false };
  }

  async canWatch(principal: Principal, conversationId: string): Promise<boolean> {
    if (!this.messages.has(conversationId)) return false;
    if (principal.kind === 'system') return true;
    if (principal.tenantId !== 't1') return false;
    return principal.kind === 'user' || principal.visitorId === 'v1';
  }
}
