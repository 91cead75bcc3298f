/**
 * The ceiling of this stack, run as a child of the chat benchmark: a bare `ws` server with
 * nothing of Switchboard in it.
 *
 * - `--mode=idle`: holds sockets. Answers `hello` with an ack, and every `--heartbeat-ms` sends
 *   each socket a heartbeat frame and a ping, terminating those that did not answer the previous
 *   ping (the same liveness rule as the gateway).
 * - `--mode=relay`: additionally stores every `conversation.send` frame as a row of a sqlite
 *   table with the columns and unique indexes of `core_messages` (WAL, `synchronous` as given,
 *   the `sqlite3` driver the kernel uses, WAL checkpoints in the background as the kernel takes
 *   them), with group commit: the frames of a tick are inserted in one transaction, and only
 *   after its COMMIT is each acked to its sender and relayed to the agent socket of its
 *   conversation as a `message.created` event.
 *
 * Started by bench/support/bare.ts; answers `stats` over IPC.
 */
import { parseArgs } from 'node:util';
import sqlite3 from 'sqlite3';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { serveCalls } from './ipc.js';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'idle' },
    port: { type: 'string', default: '0' },
    db: { type: 'string' },
    synchronous: { type: 'string', default: 'normal' },
    'heartbeat-ms': { type: 'string', default: '5000' },
  },
});
const relay = args.mode === 'relay';
const heartbeatMs = Number(args['heartbeat-ms']);
/** Most messages per transaction, as the kernel's MessageWriter. */
const MAX_BATCH = 256;
const TEXT = { binary: false } as const;

interface Peer {
  alive: boolean;
  /** Relay mode: the conversation this socket sends to or receives from. */
  conversationId: string | null;
}

interface Pending {
  readonly ws: WebSocket;
  readonly id: string;
  readonly conversationId: string;
  readonly body: string;
  readonly authorId: string;
  readonly clientMessageId: string | null;
}

const peers = new WeakMap<WebSocket, Peer>();
const agents = new Map<string, WebSocket>();
const seqs = new Map<string, number>();
let stored = 0;
let batches = 0;
let idCounter = 0;
/** Frames waiting for the next transaction, and whether one is in flight. */
const queue: Pending[] = [];
let flushing = false;
/** The second connection that copies the WAL; set in relay mode. */
let checkpoints: sqlite3.Database | null = null;
/** Set when the log must start over: `flush` runs it between two transactions. */
let pendingRestart: ((resume: () => void) => void) | null = null;
const RESTART_FRAMES = 16_000;

const db = relay ? await openDatabase(args.db!, args.synchronous!) : null;
/**
 * Rows per INSERT statement, as the kernel's MessageLog (`INSERT_ROWS` in
 * core/src/chat/message-batch-sql.ts): few driver round trips per batch.
 */
const INSERT_CHUNK = 256;
const COLUMNS = `INSERT INTO bench_messages (id, tenant_id, conversation_id, seq, visitor_seq, author_kind,
  author_id, kind, visibility, body, client_message_id, metadata, created_at) VALUES `;
const ROW = "(?, 'default', ?, ?, ?, 'visitor', ?, 'text', 'public', ?, ?, '{}', ?)";

async function openDatabase(file: string, synchronous: string): Promise<sqlite3.Database> {
  const database = new sqlite3.Database(file);
  const exec = (sql: string) =>
    new Promise<void>((res, rej) => database.exec(sql, (err) => (err ? rej(err) : res())));
  await exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous.toUpperCase()}; PRAGMA busy_timeout = 5000; ` +
      'PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;',
  );
  await exec(`
    CREATE TABLE IF NOT EXISTS bench_messages (
      id varchar(40) PRIMARY KEY,
      tenant_id varchar(40) NOT NULL,
      conversation_id varchar(40) NOT NULL,
      seq integer NOT NULL,
      visitor_seq integer,
      author_kind varchar(10) NOT NULL,
      author_id varchar(40),
      kind varchar(10) NOT NULL,
      visibility varchar(10) NOT NULL,
      body text NOT NULL,
      client_message_id varchar(64),
      metadata text NOT NULL DEFAULT '{}',
      created_at bigint NOT NULL,
      UNIQUE (conversation_id, seq)
    );
    CREATE UNIQUE INDEX IF NOT EXISTS bench_messages_client_id
      ON bench_messages (conversation_id, author_id, client_message_id)
      WHERE client_message_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS bench_messages_tenant_created ON bench_messages (tenant_id, created_at);
  `);
  checkpoints = new sqlite3.Database(file);
  await new Promise<void>((res, rej) =>
    checkpoints!.run('PRAGMA busy_timeout = 5000', (err) => (err ? rej(err) : res())),
  );
  checkpointPass();
  return database;
}

// --- background checkpoints, as the kernel's WalCheckpointer (core/src/storage) ---

function checkpointPass(): void {
  checkpoints!.get('PRAGMA wal_checkpoint(PASSIVE)', (err, row: { log: number } | undefined) => {
    if (err || !row || row.log < RESTART_FRAMES) {
      setTimeout(checkpointPass, 20).unref();
      return;
    }
    // Between two transactions, copy what is left so the next commit starts the log over.
    pendingRestart = (resume) =>
      checkpoints!.get('PRAGMA wal_checkpoint(PASSIVE)', () => {
        resume();
        setTimeout(checkpointPass, 20).unref();
      });
    if (!flushing) {
      flushing = true;
      flush();
    }
  });
}

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(args.port),
  perMessageDeflate: false,
  clientTracking: true,
  maxPayload: 65536,
});
await new Promise<void>((res) => wss.once('listening', () => res()));

wss.on('connection', (ws) => {
  peers.set(ws, { alive: true, conversationId: null });
  ws.on('pong', onPong);
  ws.on('message', onMessage);
  ws.on('close', onClose);
  ws.on('error', () => undefined);
});

function onPong(this: WebSocket): void {
  const peer = peers.get(this);
  if (peer) peer.alive = true;
}

function onClose(this: WebSocket): void {
  const peer = peers.get(this);
  if (peer?.conversationId && agents.get(peer.conversationId) === this) {
    agents.delete(peer.conversationId);
  }
}

function onMessage(this: WebSocket, data: RawData): void {
  const peer = peers.get(this)!;
  peer.alive = true;
  let frame: { id?: string; type?: string; data?: Record<string, unknown> };
  try {
    frame = JSON.parse(data.toString());
  } catch {
    this.send('{"type":"error","id":null,"error":{"code":"REQUEST_MALFORMED_JSON"}}', TEXT);
    return;
  }
  const id = String(frame.id);
  if (frame.type === 'hello') {
    const hello = frame.data ?? {};
    if (typeof hello.conversationId === 'string') {
      peer.conversationId = hello.conversationId;
      if (hello.role === 'agent') agents.set(hello.conversationId, this);
    }
    const result = { protocol: 1, heartbeatMs, resumed: {} };
    this.send(JSON.stringify({ type: 'ack', id, result }), TEXT);
    return;
  }
  if (frame.type === 'conversation.send' && relay && peer.conversationId) {
    const input = frame.data ?? {};
    queue.push({
      ws: this,
      id,
      conversationId: peer.conversationId,
      body: String(input.body ?? ''),
      authorId: 'visitor',
      clientMessageId: typeof input.clientMessageId === 'string' ? input.clientMessageId : null,
    });
    if (!flushing) flushSoon();
    return;
  }
  this.send(JSON.stringify({ type: 'error', id, error: { code: 'OPERATION_UNKNOWN' } }), TEXT);
}

// --- group commit (relay mode) ---

function flushSoon(): void {
  flushing = true;
  setImmediate(flush);
}

function flush(): void {
  if (pendingRestart) {
    const restart = pendingRestart;
    pendingRestart = null;
    restart(flush);
    return;
  }
  if (queue.length === 0) {
    flushing = false;
    return;
  }
  const batch = queue.splice(0, MAX_BATCH);
  const now = Date.now();
  const messages = batch.map((p) => {
    const seq = (seqs.get(p.conversationId) ?? 0) + 1;
    seqs.set(p.conversationId, seq);
    return {
      id: `msg_${now.toString(36)}${(++idCounter).toString(36).padStart(8, '0')}`,
      conversationId: p.conversationId,
      seq,
      visitorSeq: seq,
      author: { kind: 'visitor', id: p.authorId },
      kind: 'text',
      visibility: 'public',
      body: p.body,
      clientMessageId: p.clientMessageId,
      metadata: {},
      createdAt: now,
    };
  });
  db!.serialize(() => {
    db!.run('BEGIN');
    for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
      const chunk = messages.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      for (const m of chunk) {
        params.push(
          m.id,
          m.conversationId,
          m.seq,
          m.visitorSeq,
          m.author.id,
          m.body,
          m.clientMessageId,
          m.createdAt,
        );
      }
      db!.run(COLUMNS + chunk.map(() => ROW).join(', '), params);
    }
    db!.run('COMMIT', (err: Error | null) => {
      if (err) {
        process.stderr.write(`commit failed: ${err.message}\n`);
        process.exit(1);
      }
      stored += messages.length;
      batches++;
      // Stored: now acknowledge and relay.
      messages.forEach((message, i) => {
        const pending = batch[i]!;
        pending.ws.send(
          JSON.stringify({ type: 'ack', id: pending.id, result: { duplicate: false, message } }),
          TEXT,
        );
        const agent = agents.get(message.conversationId);
        if (agent) {
          const event = {
            type: 'message.created',
            conversationId: message.conversationId,
            seq: message.seq,
            message,
          };
          agent.send(JSON.stringify(event), TEXT);
        }
      });
      flush();
    });
  });
}

// --- heartbeats ---

const beat = setInterval(() => {
  const frame = JSON.stringify({ type: 'heartbeat', at: Date.now() });
  for (const ws of wss.clients) {
    const peer = peers.get(ws);
    if (!peer) continue;
    if (!peer.alive) {
      ws.terminate();
      continue;
    }
    peer.alive = false;
    ws.send(frame, TEXT);
    ws.ping();
  }
}, heartbeatMs);

process.once('SIGTERM', () => {
  clearInterval(beat);
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => {
    if (!db) process.exit(0);
    db.close(() => process.exit(0));
  });
});

serveCalls(
  {
    stats: () => ({ sockets: wss.clients.size, stored, batches }),
  },
  { port: (wss.address() as { port: number }).port },
);
