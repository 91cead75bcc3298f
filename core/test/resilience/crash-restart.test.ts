import { expect } from 'chai';
import { expectedDialect } from '../support/kernel.js';
import { RawSocket } from '../support/raw-socket.js';
import {
  api,
  createServerHome,
  startServer,
  type ServerHome,
  type ServerProcess,
} from '../support/server-process.js';

/** Messages the visitor streams; the server is killed once KILL_AFTER of them are acknowledged. */
const TOTAL = 300;
const KILL_AFTER = 80;
const WORKERS = 8;

interface Ack {
  readonly id: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

interface StoredMessage {
  id: string;
  seq: number;
  clientMessageId: string | null;
  author: { kind: string };
}

const cid = (i: number) => `crash-${String(i).padStart(4, '0')}`;

async function expectOk(
  pending: Promise<{ status: number; body: any }>,
  status: number,
  what: string,
): Promise<any> {
  const res = await pending;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every message of a conversation, paging through `afterSeq`. */
async function allMessages(
  url: string,
  conversationId: string,
  token: string,
): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await expectOk(
      api(
        url,
        'GET',
        `/api/v1/conversations/${conversationId}/messages?afterSeq=${afterSeq}&limit=500`,
        undefined,
        token,
      ),
      200,
      'list messages',
    );
    out.push(...(page.messages as StoredMessage[]));
    if (page.nextAfterSeq === null) return out;
    afterSeq = page.nextAfterSeq as number;
  }
}

describe('Crash and restart: a SIGKILL mid-stream loses and doubles no message', function () {
  this.timeout(180_000);
  let home: ServerHome;
  let server: ServerProcess | null = null;
  let conversationId: string;
  let visitorToken: string;
  let agentToken: string;
  /** Acknowledged before the kill, by client message id. */
  const acked = new Map<string, Ack>();
  /** Answers to the resend after the restart, by client message id. */
  const resent = new Map<string, Ack>();
  let storedBeforeResend: StoredMessage[] = [];

  /** Sends message `i` over REST (even) or the socket (odd); resolves with the ack. */
  async function sendOne(url: string, socket: RawSocket, i: number): Promise<Ack> {
    const data = { conversationId, body: `message ${i}`, clientMessageId: cid(i) };
    if (i % 2 === 0) {
      const res = await api(
        url,
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        { body: data.body, clientMessageId: data.clientMessageId },
        visitorToken,
      );
      if (res.status !== 201)
        throw new Error(`send ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.message.id, seq: res.body.message.seq, duplicate: res.body.duplicate };
    }
    const frame = await socket.request('conversation.send', data, 10_000);
    if (frame.type !== 'ack') throw new Error(`send ${i}: ${JSON.stringify(frame)}`);
    return {
      id: frame.result.message.id,
      seq: frame.result.message.seq,
      duplicate: frame.result.duplicate,
    };
  }

  before(async () => {
    home = createServerHome({
      auth: { scryptLog2N: 12, loginPerMinute: 1000, visitorSessionsPerMinute: 1000 },
    });
    server = await startServer(home);
    const url = server.url;
    const admin = home.adminToken;
    const tenant = await expectOk(
      api(url, 'POST', '/api/v1/tenants', { name: 'Crash test' }, admin),
      201,
      'tenant',
    );
    const site = await expectOk(
      api(url, 'POST', '/api/v1/sites', { tenantId: tenant.id, name: 'Site' }, admin),
      201,
      'site',
    );
    const password = 'crash-test-password-1';
    const email = 'agent@crash.example';
    await expectOk(
      api(
        url,
        'POST',
        '/api/v1/users',
        { tenantId: tenant.id, email, name: 'Agent', role: 'agent', password },
        admin,
      ),
      201,
      'agent',
    );
    agentToken = (
      await expectOk(
        api(url, 'POST', '/api/v1/auth/login', { email, password, tenantId: tenant.id }),
        200,
        'login',
      )
    ).token;
    await expectOk(
      api(url, 'POST', '/api/v1/presence', { presence: 'online' }, agentToken),
      200,
      'presence',
    );
    visitorToken = (
      await expectOk(
        api(url, 'POST', '/api/v1/visitor/session', { embedKey: site.embedKey }),
        201,
        'visitor',
      )
    ).token;
    conversationId = (
      await expectOk(api(url, 'POST', '/api/v1/conversations', {}, visitorToken), 201, 'request')
    ).conversation.id;
    await expectOk(
      api(url, 'POST', `/api/v1/conversations/${conversationId}/pick`, {}, agentToken),
      200,
      'pick',
    );

    // Stream with several requests in flight; kill the server once enough are acknowledged.
    const { socket } = await RawSocket.connect(url, visitorToken);
    let next = 0;
    let killing: Promise<void> | null = null;
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        try {
          acked.set(cid(i), await sendOne(url, socket, i));
        } catch {
          return; // the server is gone
        }
        if (acked.size >= KILL_AFTER) killing ??= server!.kill();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    await (killing ?? server.kill());
    socket.terminate();
    expect(acked.size, 'the kill came before any acknowledgement').to.be.at.least(KILL_AFTER);
    expect(acked.size, 'the server was not killed mid-stream').to.be.below(TOTAL);

    // Restart on the same database; the tokens still hold.
    server = await startServer(home);
    storedBeforeResend = await allMessages(server.url, conversationId, agentToken);

    // Resend everything, acknowledged or not, with the same client message ids.
    const again = (await RawSocket.connect(server.url, visitorToken)).socket;
    let resendNext = 0;
    const resender = async () => {
      while (resendNext < TOTAL) {
        const i = resendNext++;
        resent.set(cid(i), await sendOne(server!.url, again, i));
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, resender));
    await again.close();
  });

  after(async () => {
    await server?.stop();
    await home?.remove();
  });

  it(`runs the server on the database this run uses (${expectedDialect})`, () => {
    expect(home.database.dialect).to.equal(expectedDialect);
  });

  it('kept every message acknowledged before the kill, once, under the id it acknowledged', () => {
    const byCid = new Map<string, StoredMessage[]>();
    for (const m of storedBeforeResend) {
      if (m.clientMessageId)
        byCid.set(m.clientMessageId, [...(byCid.get(m.clientMessageId) ?? []), m]);
    }
    const problems: string[] = [];
    for (const [id, ack] of acked) {
      const stored = byCid.get(id) ?? [];
      if (stored.length !== 1) problems.push(`${id}: stored ${stored.length} times`);
      else if (stored[0]!.id !== ack.id)
        problems.push(`${id}: acknowledged as ${ack.id}, stored as ${stored[0]!.id}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('answers the resend of an acknowledged message as a duplicate of the stored one', () => {
    const problems: string[] = [];
    for (const [id, ack] of acked) {
      const answer = resent.get(id);
      if (!answer?.duplicate || answer.id !== ack.id || answer.seq !== ack.seq) {
        problems.push(`${id}: first ${JSON.stringify(ack)}, resent ${JSON.stringify(answer)}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('stores every message exactly once after the resend, with gap-free seqs', async () => {
    const stored = await allMessages(server!.url, conversationId, agentToken);
    const fromVisitor = stored.filter((m) => m.author.kind === 'visitor');
    const cids = fromVisitor.map((m) => m.clientMessageId);
    expect(new Set(cids).size, 'a client message id is stored twice').to.equal(cids.length);
    expect([...cids].sort()).to.deep.equal(Array.from({ length: TOTAL }, (_v, i) => cid(i)));
    expect(stored.map((m) => m.seq)).to.deep.equal(stored.map((_m, i) => i + 1));
    const visitorView = await allMessages(server!.url, conversationId, visitorToken);
    expect(visitorView.map((m) => m.seq)).to.deep.equal(visitorView.map((_m, i) => i + 1));
    const conversation = await expectOk(
      api(server!.url, 'GET', `/api/v1/conversations/${conversationId}`, undefined, agentToken),
      200,
      'conversation',
    );
    expect(conversation.lastSeq).to.equal(stored.length);
  });

  it('replays every message once, in seq order, to a client resuming from seq 0', async () => {
    const visitorView = await allMessages(server!.url, conversationId, visitorToken);
    const { socket, hello } = await RawSocket.connect(server!.url, visitorToken, {
      [conversationId]: 0,
    });
    expect(hello.result.resumed[conversationId]).to.deep.equal({ replayed: visitorView.length });
    const last = visitorView.at(-1)!;
    await socket.waitFor(
      (f) => f.type === 'message.created' && f.message?.id === last.id,
      10_000,
      'the last message',
    );
    await socket.close();
    const replayed = socket
      .ofType('message.created')
      .filter((f) => f.conversationId === conversationId);
    const ids = replayed.map((f) => f.message.id as string);
    expect(new Set(ids).size, 'a message was replayed twice').to.equal(ids.length);
    expect(ids).to.deep.equal(visitorView.map((m) => m.id));
    expect(replayed.map((f) => f.seq)).to.deep.equal(visitorView.map((_m, i) => i + 1));
  });
});
