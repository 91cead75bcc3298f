import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import type { Operation } from '../../src/api/operation.js';
import {
  PREFIX,
  allowedCallers,
  digestDiff,
  idCases,
  idOf,
  inputFor,
  type IdKind,
} from '../support/id-matrix.js';
import { expectedDialect } from '../support/kernel.js';
import {
  callHttp,
  callWs,
  describeAnswer,
  isSuccess,
  operationsOf,
  type Answer,
} from '../support/operation-calls.js';
import { RawSocket, sleep } from '../support/raw-socket.js';
import {
  createFixtureTenant,
  leakedIds,
  missingId,
  tableDigest,
  uploadFile,
  type FixtureTenant,
} from '../support/tenant-fixture.js';

/** Kinds of ids that belong to one visitor rather than to the whole tenant. */
const PER_VISITOR: ReadonlySet<IdKind> = new Set(['conversation', 'attachment', 'visitor']);

describe('Visitor isolation: one visitor cannot reach another visitor’s chat', function () {
  this.timeout(60_000);
  let tk: TestKernel;
  let A: FixtureTenant;
  let ops: Operation[];
  /** V1 is A's chatting visitor; V2 is A's other visitor, with a chat of their own (waiting). */
  let v1: { token: string; visitorId: string; conversationId: string };
  let v2: { token: string; visitorId: string; conversationId: string };
  /** Everything of V1's that V2 must never see. */
  let v1Secrets: string[];

  before(async () => {
    tk = await createTestKernel({
      config: {
        auth: { scryptLog2N: 12, loginPerMinute: 10_000, visitorSessionsPerMinute: 10_000 },
      },
    });
    A = await createFixtureTenant(tk, 'A');
    ops = operationsOf(tk);
    v1 = { ...A.visitor, conversationId: A.conversationId };
    v2 = { ...A.waitingVisitor, conversationId: A.waitingConversationId };
    v1Secrets = [
      v1.visitorId,
      v1.token,
      A.visitor.cookieId,
      ...A.messageIds,
      A.attachmentId,
      A.internalAttachmentId,
      'Hello from visitor A',
      'Hello from agent A',
      'Internal note A',
      'receipt-A.txt',
      'notes-A.txt',
    ];
  });
  after(() => tk?.stop());

  /** V2's own ids, for the fields not under test. */
  const ownOfV2 = (kind: IdKind): string =>
    kind === 'conversation' ? v2.conversationId : kind === 'visitor' ? v2.visitorId : idOf(A, kind);

  const v1IdOf = (kind: IdKind): string =>
    kind === 'conversation'
      ? v1.conversationId
      : kind === 'visitor'
        ? v1.visitorId
        : A.attachmentId;

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('answers V1’s conversation, messages, transcript and files to V2 like missing ones, over REST and the socket, writing nothing', async () => {
    const cases = idCases(ops).cases.filter(
      (c) => PER_VISITOR.has(c.kind) && allowedCallers(c.op).includes('visitor'),
    );
    const names = new Set(cases.map((c) => c.op.name));
    for (const name of [
      'conversation.get',
      'conversation.messages',
      'conversation.send',
      'conversation.typing',
      'conversation.end',
      'conversations.transcript',
    ]) {
      expect(
        [...names],
        `${name} is no longer a visitor operation with a conversation id`,
      ).to.include(name);
    }
    const { socket } = await RawSocket.connect(tk.url, v2.token);
    const violations: string[] = [];
    try {
      for (const c of cases) {
        const variants: Record<string, unknown>[] = [{}];
        if (c.op.name === 'conversations.transcript') variants.push({ format: 'xml' });
        for (const extra of variants) {
          const missing = missingId(PREFIX[c.kind]);
          const build = (value: string) => ({ ...inputFor(c, value, A, ownOfV2), ...extra });
          for (const transport of ['http', 'ws'] as const) {
            if (transport === 'http' && !c.op.http) continue;
            if (transport === 'ws' && c.op.httpOnly) continue;
            const call = (value: string): Promise<Answer> =>
              transport === 'http'
                ? callHttp(tk, c.op, build(value), v2.token)
                : callWs(socket, c.op.name, build(value));
            const before = await tableDigest(tk);
            const foreign = await call(v1IdOf(c.kind));
            const absent = await call(missing);
            const changed = digestDiff(before, await tableDigest(tk));
            const where = `${c.key}${extra.format ? ' (xml)' : ''} over ${transport}`;
            if (foreign.status !== absent.status || foreign.code !== absent.code) {
              violations.push(
                `${where}: V1's id ${describeAnswer(foreign)}, a missing id ${describeAnswer(absent)}`,
              );
            }
            if (isSuccess(foreign))
              violations.push(`${where}: V1's id answered ${describeAnswer(foreign)}`);
            const leaked = leakedIds(foreign.body, v1Secrets);
            if (leaked.length > 0) violations.push(`${where}: shows V1's ${leaked.join(', ')}`);
            if (changed.length > 0) violations.push(`${where}: wrote to ${changed.join(', ')}`);
          }
        }
      }
    } finally {
      await socket.close();
    }
    expect(violations).to.deep.equal([]);
  });

  it('lets each visitor read their own conversation, so the refusals above are about ownership', async () => {
    const get = ops.find((o) => o.name === 'conversation.messages')!;
    const mine = await callHttp(tk, get, { conversationId: v2.conversationId }, v2.token);
    expect(mine.status, describeAnswer(mine)).to.equal(200);
    const theirs = await callHttp(tk, get, { conversationId: v1.conversationId }, v1.token);
    expect(JSON.stringify(theirs.body)).to.contain('Hello from agent A');
  });

  it('serves V1’s file to V1 only, and takes no upload from V2 into V1’s chat', async () => {
    const download = async (id: string, token: string) => {
      const res = await fetch(`${tk.url}/api/v1/attachments/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, text: await res.text() };
    };
    expect((await download(A.attachmentId, v1.token)).status).to.equal(200);
    const foreign = await download(A.attachmentId, v2.token);
    const absent = await download(missingId('att'), v2.token);
    expect(foreign.status).to.equal(absent.status);
    expect(JSON.parse(foreign.text).error.code).to.equal(JSON.parse(absent.text).error.code);
    expect(foreign.text).not.to.contain('file body');

    const before = await tableDigest(tk);
    const query = { filename: 'from-v2.txt', contentType: 'text/plain' };
    const into = await uploadFile(tk, v2.token, v1.conversationId, query, 'from V2');
    const intoMissing = await uploadFile(tk, v2.token, missingId('cnv'), query, 'from V2');
    expect(into.status, JSON.stringify(into.body)).to.equal(intoMissing.status);
    expect(into.body.error.code).to.equal(intoMissing.body.error.code);
    expect(digestDiff(before, await tableDigest(tk))).to.deep.equal([]);
  });

  it('answers subscribe and resume naming V1’s conversation like an unknown one', async () => {
    const missing = missingId('cnv');
    const { socket } = await RawSocket.connect(tk.url, v2.token);
    const foreign = await callWs(socket, 'conversation.subscribe', {
      conversationId: v1.conversationId,
    });
    const absent = await callWs(socket, 'conversation.subscribe', { conversationId: missing });
    await socket.close();
    expect(foreign.code, describeAnswer(foreign)).to.equal(absent.code);
    expect(isSuccess(foreign)).to.equal(false);

    const resumed = await RawSocket.connect(tk.url, v2.token, {
      [v1.conversationId]: 0,
      [missing]: 0,
    });
    const outcome = resumed.hello.result.resumed;
    expect(outcome[v1.conversationId]).to.deep.equal(outcome[missing]);
    expect(outcome[missing]).to.deep.equal({ unknown: true });
    await sleep(30);
    expect(leakedIds(resumed.socket.frames, v1Secrets)).to.deep.equal([]);
    expect(resumed.socket.ofType('message.created')).to.deep.equal([]);
    await resumed.socket.close();

    // V1 resuming the same conversation does get its messages.
    const own = await RawSocket.connect(tk.url, v1.token, { [v1.conversationId]: 0 });
    expect(own.hello.result.resumed[v1.conversationId]).to.have.property('replayed').above(0);
    await own.socket.close();
  });

  it('refuses a visitor socket from an origin the site does not allow, like the session', async () => {
    const set = await tk.request(
      'PATCH',
      `/api/v1/sites/${A.siteId}`,
      { allowedOrigins: ['https://shop.example'] },
      A.admin.token,
    );
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    try {
      const evil = await RawSocket.open(tk.url, { origin: 'https://evil.example' });
      const refused = await evil.request('hello', { token: v2.token });
      expect(refused.type, JSON.stringify(refused)).to.equal('error');
      expect((await evil.closed).code).to.equal(4001);
      const shop = await RawSocket.open(tk.url, { origin: 'https://shop.example' });
      expect((await shop.request('hello', { token: v2.token })).type).to.equal('ack');
      await shop.close();
    } finally {
      await tk.request('PATCH', `/api/v1/sites/${A.siteId}`, { allowedOrigins: [] }, A.admin.token);
    }
  });

  it('pushes nothing of V1’s chat to V2’s socket while V1 and the agent talk', async () => {
    const watcher = (await RawSocket.connect(tk.url, v2.token)).socket;
    const owner = (await RawSocket.connect(tk.url, v1.token)).socket;
    const say = (token: string, body: string, extra: Record<string, unknown> = {}) =>
      tk.request(
        'POST',
        `/api/v1/conversations/${v1.conversationId}/messages`,
        { body, ...extra },
        token,
      );
    // The agent may have moved on in another test: the admin (a manager) speaks for the desk.
    await say(v1.token, 'V1 private question');
    await say(A.admin.token, 'Private answer for V1');
    await say(A.admin.token, 'Private note about V1', { visibility: 'internal' });
    await tk.request(
      'POST',
      `/api/v1/conversations/${v1.conversationId}/typing`,
      { typing: true },
      A.admin.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${v1.conversationId}/typing`,
      { typing: true },
      v1.token,
    );
    await tk.request(
      'POST',
      '/api/v1/visitor/page-views',
      { url: 'https://shop.example/v1' },
      v1.token,
    );
    // A message in V2's own chat: once V2 has it, anything about V1 would have arrived too.
    const control = await tk.request(
      'POST',
      `/api/v1/conversations/${v2.conversationId}/messages`,
      { body: 'For V2' },
      A.admin.token,
    );
    expect(control.status, JSON.stringify(control.body)).to.equal(201);
    await watcher.waitFor((f) => f.type === 'message.created' && f.message?.body === 'For V2');
    await owner.waitFor(
      (f) => f.type === 'message.created' && f.message?.body === 'Private answer for V1',
    );
    await sleep(30);
    const secrets = [
      ...v1Secrets,
      v1.conversationId,
      'V1 private question',
      'Private answer for V1',
      'Private note about V1',
    ];
    expect(leakedIds(watcher.frames, secrets)).to.deep.equal([]);
    expect(watcher.ofType('typing')).to.deep.equal([]);
    await watcher.close();
    await owner.close();
  });
});
