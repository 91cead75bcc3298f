/**
 * A load generator of the chat benchmark, run as a child process and driven over IPC by the
 * orchestrator. It speaks the WebSocket protocol of docs/protocol.md with plain `ws` sockets and
 * reads only what it needs of each frame (its prefix, an ack's order, a message's body), so it
 * stays cheap next to the server it loads.
 *
 * Commands:
 * - `idle-open` / `idle-stats`: open sockets that each say `hello` and then sit idle, answering
 *   pings (ws does) and counting heartbeats.
 * - `pairs-open`: per pair, an agent socket and a visitor socket of one conversation.
 * - `pairs-check`: each visitor sends one message and waits until its agent receives it.
 * - `saturate`: closed loop, each visitor keeps `window` sends in flight; a message counts once
 *   it is acked to the visitor AND delivered to the agent.
 * - `open-loop`: sends at a fixed total rate scheduled by the wall clock (not by acks); latency
 *   is from the scheduled send time to the agent's `message.created`.
 * - `close-all`.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, type RawData } from 'ws';
import { serveCalls } from './ipc.js';

const TEXT = { binary: false } as const;
const ACK = Buffer.from('{"type":"ack"');
const ERROR = Buffer.from('{"type":"error"');
const HEARTBEAT = Buffer.from('{"type":"heartbeat"');
const MESSAGE = Buffer.from('{"type":"message.created"');
const BODY_MARK = Buffer.from('"body":"bench|');

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return (
    data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  );
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Opens a socket, sends `hello` with `helloData` and resolves once it is acked. */
function connect(
  url: string,
  helloData: Record<string, unknown>,
  timeoutMs: number,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no hello ack within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () =>
      ws.send(JSON.stringify({ id: 'h', type: 'hello', data: helloData }), TEXT),
    );
    const onMessage = (data: RawData) => {
      const buf = asBuffer(data);
      // A heartbeat may come before the answer to hello; wait for the answer itself.
      if (!startsWith(buf, ACK) && !startsWith(buf, ERROR)) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      if (startsWith(buf, ACK)) resolve(ws);
      else {
        ws.terminate();
        reject(new Error(`hello refused: ${buf.toString('utf8').slice(0, 300)}`));
      }
    };
    ws.on('message', onMessage);
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Runs `fn(i)` for i in [0, count) with at most `concurrency` at a time. */
async function inParallel(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Connects with retries: a burst of connects can overflow the listen backlog. */
async function connectRetrying(url: string, hello: Record<string, unknown>): Promise<WebSocket> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await connect(url, hello, 30_000);
    } catch (error) {
      lastError = error;
      if (String(error).includes('hello refused')) throw error;
      await sleep(200 * (attempt + 1));
    }
  }
  throw lastError;
}

// --- idle sockets ---

const idle = {
  sockets: [] as WebSocket[],
  heartbeats: 0,
  pings: 0,
  unexpectedCloses: 0,
  closeCodes: {} as Record<string, number>,
  closing: false,
};

function onIdleMessage(data: RawData): void {
  if (startsWith(asBuffer(data), HEARTBEAT)) idle.heartbeats++;
}

function onIdlePing(): void {
  idle.pings++;
}

function onIdleClose(code: number): void {
  if (idle.closing) return;
  idle.unexpectedCloses++;
  idle.closeCodes[code] = (idle.closeCodes[code] ?? 0) + 1;
}

async function idleOpen(input: {
  url: string;
  hellos: Record<string, unknown>[];
  concurrency: number;
}) {
  const started = performance.now();
  let failures = 0;
  let firstFailure: string | null = null;
  await inParallel(input.hellos.length, input.concurrency, async (i) => {
    try {
      const ws = await connectRetrying(input.url, input.hellos[i]!);
      ws.on('message', onIdleMessage);
      ws.on('ping', onIdlePing);
      ws.on('close', onIdleClose);
      ws.on('error', () => undefined);
      idle.sockets.push(ws);
    } catch (error) {
      failures++;
      firstFailure ??= String(error);
    }
  });
  return {
    opened: input.hellos.length - failures,
    failures,
    firstFailure,
    ms: performance.now() - started,
  };
}

function idleStats() {
  let open = 0;
  for (const ws of idle.sockets) if (ws.readyState === WebSocket.OPEN) open++;
  return {
    open,
    heartbeats: idle.heartbeats,
    pings: idle.pings,
    unexpectedCloses: idle.unexpectedCloses,
    closeCodes: idle.closeCodes,
  };
}

// --- pairs ---

/** One conversation: a visitor socket that sends and the agent socket that receives. */
interface Pair {
  readonly index: number;
  readonly conversationId: string;
  readonly visitor: WebSocket;
  readonly agent: WebSocket;
  /** Sends so far; message n (1-based) carries `bench|n|t|`. */
  sent: number;
  acked: number;
  errors: number;
  delivered: number;
  /** Deliveries whose n was not the next one expected (reordering, duplicates). */
  outOfOrder: number;
  firstError: string | null;
}

/** Pairs by target (a server under test); each command names its target. */
const groups = new Map<string, Pair[]>();
/** The pairs of the command being served. */
let pairs: Pair[] = [];
let padding = '';
/** What a delivered or acked message does to the run in progress. */
let onProgress: ((pair: Pair) => void) | null = null;
let onDelivered: ((pair: Pair, sentAt: number, now: number) => void) | null = null;

/** Send times go into bodies with 3 decimals; windows compare the same rounded value. */
function stamp(at: number): number {
  return Math.round(at * 1000) / 1000;
}

function sendMessage(pair: Pair, at: number): void {
  const n = ++pair.sent;
  const cid = pair.conversationId;
  // One string, no JSON.stringify: the body is plain ASCII.
  pair.visitor.send(
    `{"id":"${n}","type":"conversation.send","data":{"conversationId":"${cid}","clientMessageId":"b${pair.index}-${n}","body":"bench|${n}|${at.toFixed(3)}|${padding}"}}`,
    TEXT,
  );
}

function onVisitorMessage(pair: Pair, data: RawData): void {
  const buf = asBuffer(data);
  if (startsWith(buf, ACK)) {
    pair.acked++;
    onProgress?.(pair);
  } else if (startsWith(buf, ERROR)) {
    pair.errors++;
    pair.firstError ??= buf.toString('utf8').slice(0, 500);
    // The message was not stored: it will never be delivered. Count it done so the loop goes on.
    pair.acked++;
    pair.delivered++;
    onProgress?.(pair);
  }
}

function onAgentMessage(pair: Pair, data: RawData): void {
  const buf = asBuffer(data);
  if (!startsWith(buf, MESSAGE)) return;
  const at = buf.indexOf(BODY_MARK);
  if (at < 0) return; // a system event (agent joined), not a bench message
  const now = performance.now();
  const text = buf.toString('latin1', at + BODY_MARK.length, at + BODY_MARK.length + 40);
  const bar = text.indexOf('|');
  const n = Number(text.slice(0, bar));
  const sentAt = Number(text.slice(bar + 1, text.indexOf('|', bar + 1)));
  if (n !== pair.delivered + 1) pair.outOfOrder++;
  pair.delivered++;
  onDelivered?.(pair, sentAt, now);
  onProgress?.(pair);
}

interface PairSpec {
  readonly conversationId: string;
  readonly visitorHello: Record<string, unknown>;
  readonly agentHello: Record<string, unknown>;
}

function use(target: string): Pair[] {
  const found = groups.get(target);
  if (!found) throw new Error(`No pairs open for "${target}".`);
  pairs = found;
  return found;
}

async function pairsOpen(input: {
  target: string;
  url: string;
  pairs: PairSpec[];
  concurrency: number;
  bodyBytes: number;
}) {
  const started = performance.now();
  padding = 'x'.repeat(Math.max(0, input.bodyBytes - 30));
  const opened: Pair[] = new Array(input.pairs.length);
  await inParallel(input.pairs.length, input.concurrency, async (i) => {
    const spec = input.pairs[i]!;
    const agent = await connectRetrying(input.url, spec.agentHello);
    const visitor = await connectRetrying(input.url, spec.visitorHello);
    const pair: Pair = {
      index: i,
      conversationId: spec.conversationId,
      visitor,
      agent,
      sent: 0,
      acked: 0,
      errors: 0,
      delivered: 0,
      outOfOrder: 0,
      firstError: null,
    };
    visitor.on('message', (data) => onVisitorMessage(pair, data));
    agent.on('message', (data) => onAgentMessage(pair, data));
    for (const ws of [visitor, agent]) ws.on('error', () => undefined);
    opened[i] = pair;
  });
  groups.set(input.target, opened);
  return { pairs: opened.length, ms: performance.now() - started };
}

/** Waits until `check` holds or `timeoutMs` passes; true if it held. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

function totals() {
  let sent = 0;
  let acked = 0;
  let delivered = 0;
  let errors = 0;
  let outOfOrder = 0;
  let firstError: string | null = null;
  let closed = 0;
  for (const p of pairs) {
    sent += p.sent;
    acked += p.acked;
    delivered += p.delivered;
    errors += p.errors;
    outOfOrder += p.outOfOrder;
    firstError ??= p.firstError;
    if (p.visitor.readyState !== WebSocket.OPEN || p.agent.readyState !== WebSocket.OPEN) closed++;
  }
  return { sent, acked, delivered, errors, outOfOrder, firstError, closedPairs: closed };
}

/** Every visitor sends one message; resolves once every agent has it (the pairs are wired). */
async function pairsCheck(input: { target: string; timeoutMs: number }) {
  use(input.target);
  onProgress = null;
  onDelivered = null;
  for (const p of pairs) sendMessage(p, performance.now());
  const ok = await until(
    () => pairs.every((p) => p.delivered >= p.sent && p.acked >= p.sent),
    input.timeoutMs,
  );
  const missing = pairs.filter((p) => p.delivered < p.sent).map((p) => p.conversationId);
  return { ok, missing: missing.slice(0, 5), missingCount: missing.length, ...totals() };
}

/** Streaming latency sample: every value, reported as a sorted array of rounded ms. */
function latencyReport(sample: number[]) {
  return sample.map((v) => Math.round(v * 1000) / 1000);
}

async function saturate(input: {
  target: string;
  window: number;
  warmupMs: number;
  measureMs: number;
  drainMs: number;
}) {
  use(input.target);
  const before = totals();
  const start = performance.now();
  const from = start + input.warmupMs;
  const to = from + input.measureMs;
  let running = true;
  let inWindow = 0;
  const latencies: number[] = [];
  const completedOf = (p: Pair) => Math.min(p.acked, p.delivered);
  const done = new Map<Pair, number>(pairs.map((p) => [p, completedOf(p)]));
  onDelivered = (_pair, sentAt, now) => {
    if (sentAt >= from && sentAt < to) latencies.push(now - sentAt);
  };
  onProgress = (pair) => {
    const completed = completedOf(pair);
    const now = performance.now();
    const previous = done.get(pair)!;
    if (completed > previous) {
      if (now >= from && now < to) inWindow += completed - previous;
      done.set(pair, completed);
    }
    if (!running) return;
    while (pair.sent - completed < input.window) sendMessage(pair, now);
  };
  for (const p of pairs) {
    while (p.sent - completedOf(p) < input.window) sendMessage(p, performance.now());
  }
  await sleep(to - performance.now());
  running = false;
  const drained = await until(() => pairs.every((p) => completedOf(p) >= p.sent), input.drainMs);
  onProgress = null;
  onDelivered = null;
  const after = totals();
  return {
    completedInWindow: inWindow,
    windowMs: input.measureMs,
    perSecond: (inWindow * 1000) / input.measureMs,
    sent: after.sent - before.sent,
    acked: after.acked - before.acked,
    delivered: after.delivered - before.delivered,
    errors: after.errors - before.errors,
    outOfOrder: after.outOfOrder - before.outOfOrder,
    firstError: after.firstError,
    closedPairs: after.closedPairs,
    drained,
    latencies: latencyReport(latencies),
  };
}

async function openLoop(input: {
  target: string;
  rate: number;
  warmupMs: number;
  measureMs: number;
  drainMs: number;
}) {
  use(input.target);
  const before = totals();
  const start = performance.now();
  const from = start + input.warmupMs;
  const to = from + input.measureMs;
  const interval = 1000 / input.rate;
  const latencies: number[] = [];
  let scheduledInWindow = 0;
  let maxLagMs = 0;
  let k = 0;
  onProgress = null;
  onDelivered = (_pair, sentAt, now) => {
    if (sentAt >= from && sentAt < to) latencies.push(now - sentAt);
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (;;) {
        const at = stamp(start + k * interval);
        if (at > now || at >= to) break;
        maxLagMs = Math.max(maxLagMs, now - at);
        if (at >= from) scheduledInWindow++;
        sendMessage(pairs[k % pairs.length]!, at);
        k++;
      }
      // The same rounded time as the loop's test: with the raw one, a send scheduled within a
      // microsecond of the end (rounded up to it) was never sent nor counted as done, and the
      // run never ended.
      if (stamp(start + k * interval) >= to) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const drained = await until(
    () => pairs.every((p) => p.delivered >= p.sent && p.acked >= p.sent),
    input.drainMs,
  );
  onDelivered = null;
  const after = totals();
  return {
    rate: input.rate,
    windowMs: input.measureMs,
    scheduledInWindow,
    deliveredInWindow: latencies.length,
    sent: after.sent - before.sent,
    acked: after.acked - before.acked,
    delivered: after.delivered - before.delivered,
    errors: after.errors - before.errors,
    outOfOrder: after.outOfOrder - before.outOfOrder,
    firstError: after.firstError,
    closedPairs: after.closedPairs,
    drained,
    maxSendLagMs: maxLagMs,
    latencies: latencyReport(latencies),
  };
}

async function closeAll() {
  idle.closing = true;
  const all = [...groups.values()].flat();
  const sockets = [...idle.sockets, ...all.flatMap((p) => [p.visitor, p.agent])];
  idle.sockets = [];
  groups.clear();
  pairs = [];
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  );
  idle.closing = false;
  idle.heartbeats = 0;
  idle.pings = 0;
  idle.unexpectedCloses = 0;
  idle.closeCodes = {};
  return { closed: sockets.length };
}

serveCalls({
  'idle-open': idleOpen,
  'idle-stats': idleStats,
  'pairs-open': pairsOpen,
  'pairs-check': pairsCheck,
  saturate,
  'open-loop': openLoop,
  'close-all': closeAll,
});
