import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { createTenantWithAdmin, createUser, type TestAccount } from '../support/accounts.js';
import { startVisitor } from '../support/chat.js';
import { expectedDialect } from '../support/kernel.js';
import { RawSocket, sleep, type ServerFrame } from '../support/raw-socket.js';
import { expectRequest, uploadFile } from '../support/tenant-fixture.js';

/**
 * Plants markers where only agents may look (an internal message, an internal file's name, the
 * client message id of an agent's reply) and an internal typing indicator, then reads every
 * visitor-facing output there is and looks for them.
 */
describe('Internal notes never reach the visitor, by any path', function () {
  this.timeout(60_000);
  const MARKER = `INTERNALMARKER${randomBytes(6).toString('hex')}`;
  const CID_MARKER = `agentcid${randomBytes(6).toString('hex')}`;
  let tk: TestKernel;
  let agent: TestAccount;
  let visitor: { token: string; visitorId: string };
  let conversationId: string;
  let internalFileId: string;
  let visitorLive: RawSocket;
  let agentLive: RawSocket;

  /** What must never be in a visitor-facing output. */
  const forbidden = () => [MARKER, CID_MARKER, agent.id, internalFileId];
  const found = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return forbidden().filter((s) => text.includes(s));
  };

  before(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12, loginPerMinute: 10_000 } } });
    const tenant = await createTenantWithAdmin(tk);
    agent = await createUser(tk, tenant.admin.token, { role: 'agent', name: 'Agent Ann' });
    await expectRequest(tk, 200, 'POST', '/api/v1/presence', { presence: 'online' }, agent.token);
    agentLive = (await RawSocket.connect(tk.url, agent.token)).socket;
    visitor = await startVisitor(tk, tenant.embedKey);
    visitorLive = (await RawSocket.connect(tk.url, visitor.token)).socket;
    const requested = await expectRequest(
      tk,
      201,
      'POST',
      '/api/v1/conversations',
      {},
      visitor.token,
    );
    conversationId = requested.conversation.id;
    const path = `/api/v1/conversations/${conversationId}`;
    await expectRequest(tk, 200, 'POST', `${path}/pick`, {}, agent.token);
    await expectRequest(
      tk,
      201,
      'POST',
      `${path}/messages`,
      { body: 'Hi, I need help' },
      visitor.token,
    );
    await expectRequest(
      tk,
      201,
      'POST',
      `${path}/messages`,
      { body: 'Sure, one moment', clientMessageId: CID_MARKER },
      agent.token,
    );
    await expectRequest(
      tk,
      204,
      'POST',
      `${path}/typing`,
      { typing: true, visibility: 'internal' },
      agent.token,
    );
    await expectRequest(
      tk,
      201,
      'POST',
      `${path}/messages`,
      { body: `Customer is rude ${MARKER}`, visibility: 'internal' },
      agent.token,
    );
    await expectRequest(
      tk,
      204,
      'POST',
      `${path}/typing`,
      { typing: false, visibility: 'internal' },
      agent.token,
    );
    const file = await uploadFile(
      tk,
      agent.token,
      conversationId,
      {
        filename: `${MARKER}-notes.txt`,
        contentType: 'text/plain',
        visibility: 'internal',
      },
      `file text ${MARKER}`,
    );
    expect(file.status, JSON.stringify(file.body)).to.equal(201);
    internalFileId = file.body.message.metadata.attachment.id;
    await expectRequest(tk, 204, 'POST', `${path}/typing`, { typing: true }, agent.token);
    await expectRequest(
      tk,
      201,
      'POST',
      `${path}/messages`,
      { body: 'Here is your answer' },
      agent.token,
    );
    await visitorLive.waitFor(
      (f) => f.type === 'message.created' && f.message?.body === 'Here is your answer',
    );
    await agentLive.waitFor(
      (f) => f.type === 'message.created' && f.message?.body === 'Here is your answer',
    );
    await sleep(30);
  });
  after(async () => {
    await visitorLive?.close();
    await agentLive?.close();
    await tk?.stop();
  });

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('shows the markers to the agent, over REST and the socket (the plant worked)', async () => {
    const rest = await expectRequest(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${conversationId}/messages`,
      undefined,
      agent.token,
    );
    expect(JSON.stringify(rest)).to.contain(MARKER);
    expect(JSON.stringify(rest)).to.contain(CID_MARKER);
    expect(JSON.stringify(agentLive.frames)).to.contain(MARKER);
    const typing = agentLive.ofType('typing');
    expect(typing.some((f) => f.typing === true)).to.equal(true);
    const transcript = await tk.request(
      'GET',
      `/api/v1/conversations/${conversationId}/transcript?format=xml`,
      undefined,
      agent.token,
    );
    expect(String(transcript.body)).to.contain(`${MARKER}-notes.txt`);
  });

  it('keeps them out of the visitor’s live socket, and shows no internal typing', () => {
    expect(found(visitorLive.frames)).to.deep.equal([]);
    const bodies = visitorLive.ofType('message.created').map((f) => f.message.body);
    expect(bodies).to.include.members([
      'Hi, I need help',
      'Sure, one moment',
      'Here is your answer',
    ]);
    const typing = visitorLive.ofType('typing');
    expect(typing, 'only the public typing reaches the visitor').to.have.length(1);
    expect(typing[0]).to.deep.include({ typing: true, author: { kind: 'agent', id: null } });
  });

  it('keeps them out of a resume from seq 0, whose visitor seqs are gap-free', async () => {
    const { socket, hello } = await RawSocket.connect(tk.url, visitor.token, {
      [conversationId]: 0,
    });
    await socket.waitFor(
      (f) => f.type === 'message.created' && f.message?.body === 'Here is your answer',
    );
    await sleep(30);
    await socket.close();
    expect(found(socket.frames)).to.deep.equal([]);
    const replayed = socket.ofType('message.created');
    expect(hello.result.resumed[conversationId]).to.deep.equal({ replayed: replayed.length });
    expect(replayed.map((f: ServerFrame) => f.seq)).to.deep.equal(replayed.map((_f, i) => i + 1));
  });

  it('keeps them out of every visitor read, over REST and the socket', async () => {
    const reads: [string, string, Record<string, unknown>][] = [
      [
        `/api/v1/conversations/${conversationId}/messages`,
        'conversation.messages',
        { conversationId },
      ],
      [`/api/v1/conversations/${conversationId}`, 'conversation.get', { conversationId }],
      [
        `/api/v1/conversations/${conversationId}/transcript`,
        'conversations.transcript',
        { conversationId },
      ],
      [
        `/api/v1/conversations/${conversationId}/transcript?format=xml`,
        'conversations.transcript',
        { conversationId, format: 'xml' },
      ],
      ['/api/v1/visitor', 'visitor.me', {}],
    ];
    const { socket } = await RawSocket.connect(tk.url, visitor.token);
    const leaks: string[] = [];
    for (const [path, type, data] of reads) {
      const rest = await tk.request('GET', path, undefined, visitor.token);
      expect(rest.status, `${path}: ${JSON.stringify(rest.body)}`).to.equal(200);
      const frame = await socket.request(type, data);
      expect(frame.type, `${type}: ${JSON.stringify(frame)}`).to.equal('ack');
      for (const [where, value] of [
        [`GET ${path}`, rest.body],
        [`${type} frame`, frame.result],
      ] as const) {
        const hit = found(value);
        if (hit.length > 0) leaks.push(`${where}: ${hit.join(', ')}`);
      }
    }
    await socket.close();
    expect(leaks).to.deep.equal([]);
  });

  it('counts only public messages in the visitor’s seqs and lastSeq', async () => {
    const page = await expectRequest(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${conversationId}/messages`,
      undefined,
      visitor.token,
    );
    const seqs = (page.messages as { seq: number }[]).map((m) => m.seq);
    expect(seqs).to.deep.equal(seqs.map((_s, i) => i + 1));
    const view = await expectRequest(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${conversationId}`,
      undefined,
      visitor.token,
    );
    expect(view.lastSeq).to.equal(seqs.length);
    const agentView = await expectRequest(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${conversationId}`,
      undefined,
      agent.token,
    );
    expect(agentView.lastSeq, 'the agent counts the internal messages too').to.be.above(
      seqs.length,
    );
  });

  it('refuses the internal file to the visitor like a missing one', async () => {
    const get = (id: string) =>
      fetch(`${tk.url}/api/v1/attachments/${id}`, {
        headers: { authorization: `Bearer ${visitor.token}` },
      });
    const internal = await get(internalFileId);
    const missing = await get('att_0000000000missingmissingmi');
    expect(internal.status).to.equal(missing.status);
    const [a, b] = [await internal.json(), await missing.json()];
    expect(a.error.code).to.equal(b.error.code);
    expect(found(a)).to.deep.equal([]);
  });
});
