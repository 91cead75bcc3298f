import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { send } from '../../../core/test/support/chat.js';
import {
  BASE,
  RawSocket,
  activeChat,
  boot,
  expectedDialect,
  ok,
  sleep,
  whisper,
  whisperDesk,
  type ServerFrame,
  type WhisperDesk,
} from './support.js';

/**
 * Plants markers where only staff may look (a whisper's text, the whisperer's name, an internal
 * thread message, the ids of both) and reads every visitor-facing output there is: the live
 * socket, a resume after reconnecting (from scratch and from just before the whisper), REST and
 * socket reads, transcripts in JSON and XML, the attachment route, and the plugin's own routes.
 */
describe('A whisper or an internal thread message never reaches the visitor, by any path', function () {
  this.timeout(60_000);
  const MARKER = `WHISPERMARKER${randomBytes(6).toString('hex')}`;
  const THREAD_MARKER = `THREADMARKER${randomBytes(6).toString('hex')}`;
  const NAME_MARKER = `Whisperer${randomBytes(4).toString('hex')}`;
  let tk: TestKernel;
  let desk: WhisperDesk;
  let chat: { token: string; visitorId: string; conversationId: string };
  let whisperId: string;
  let threadId: string;
  let seqBeforeWhisper: number;
  let visitorLive: RawSocket;
  let agentLive: RawSocket;

  const forbidden = () => [
    MARKER,
    THREAD_MARKER,
    NAME_MARKER,
    whisperId,
    threadId,
    desk.supervisor.id,
  ];
  const found = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return forbidden().filter((s) => text.includes(s));
  };

  before(async () => {
    tk = await boot();
    desk = await whisperDesk(tk, `Sue ${NAME_MARKER}`);
    chat = await activeChat(tk, desk, desk.agents[0]!);
    const path = `/api/v1/conversations/${chat.conversationId}`;
    visitorLive = (await RawSocket.connect(tk.url, chat.token)).socket;
    agentLive = (
      await RawSocket.connect(tk.url, desk.agents[0]!.token, { [chat.conversationId]: 0 })
    ).socket;
    await send(tk, chat.token, chat.conversationId, 'Hi, I need help');
    await send(tk, desk.agents[0]!.token, chat.conversationId, 'Sure, one moment');
    await visitorLive.waitFor(
      (f) => f.type === 'message.created' && f.message?.body === 'Sure, one moment',
    );
    seqBeforeWhisper = (await ok(tk, 200, 'GET', path, undefined, chat.token)).lastSeq;

    const res = await whisper(
      tk,
      chat.conversationId,
      { body: `Offer the discount ${MARKER}` },
      desk.supervisor.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    whisperId = res.body.whisper.id;
    const thread = await ok(
      tk,
      201,
      'POST',
      `${BASE}/conversations/${chat.conversationId}/threads`,
      { withUserId: desk.supervisor.id },
      desk.agents[0]!.token,
    );
    threadId = thread.thread.id;
    await ok(
      tk,
      201,
      'POST',
      `${BASE}/threads/${threadId}/messages`,
      { body: `How much? ${THREAD_MARKER}` },
      desk.agents[0]!.token,
    );
    await ok(
      tk,
      201,
      'POST',
      `${BASE}/threads/${threadId}/messages`,
      { body: `15% ${THREAD_MARKER}` },
      desk.supervisor.token,
    );
    // A second whisper from another agent, and public traffic after both.
    const second = await whisper(
      tk,
      chat.conversationId,
      { body: `Second ${MARKER}` },
      desk.agents[1]!.token,
    );
    expect(second.status).to.equal(201);
    await send(tk, chat.token, chat.conversationId, 'Any news?');
    await send(tk, desk.agents[0]!.token, chat.conversationId, 'Here is your answer');
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

  it('shows the whisper to the assigned agent live and in REST, and marks it in transcripts', async () => {
    const live = agentLive.ofType('message.created').find((f) => f.message.id === whisperId);
    expect(live?.message.visibility).to.equal('internal');
    expect(live?.message.body).to.contain(MARKER);
    const rest = await ok(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${chat.conversationId}/messages`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(JSON.stringify(rest)).to.contain(MARKER);
    const transcript = await ok(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${chat.conversationId}/transcript`,
      undefined,
      desk.agents[0]!.token,
    );
    const line = transcript.messages.find((m: { id: string }) => m.id === whisperId);
    expect(line).to.deep.include({ visibility: 'internal', body: `Offer the discount ${MARKER}` });
    expect(line.author).to.deep.include({
      kind: 'agent',
      id: desk.supervisor.id,
      name: `Sue ${NAME_MARKER}`,
    });
    expect(line.metadata.whisper).to.include({
      fromUserId: desk.supervisor.id,
      toUserId: desk.agents[0]!.id,
    });
    const xml = await tk.request(
      'GET',
      `/api/v1/conversations/${chat.conversationId}/transcript?format=xml`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(String(xml.body)).to.contain(MARKER);
    expect(String(xml.body)).to.match(/<metadata>[^<]*whisper/);
  });

  it('keeps every marker out of the visitor’s live socket', () => {
    expect(found(visitorLive.frames)).to.deep.equal([]);
    expect(visitorLive.ofType('message.created').map((f) => f.message.body)).to.deep.equal([
      'Hi, I need help',
      'Sure, one moment',
      'Any news?',
      'Here is your answer',
    ]);
    expect(visitorLive.frames.filter((f) => f.type.startsWith('plugin.'))).to.deep.equal([]);
  });

  for (const from of ['scratch', 'just before the whisper'] as const) {
    it(`keeps them out of a resume after reconnecting, from ${from}, with gap-free visitor seqs`, async () => {
      const after = from === 'scratch' ? 0 : seqBeforeWhisper;
      const { socket, hello } = await RawSocket.connect(tk.url, chat.token, {
        [chat.conversationId]: after,
      });
      await socket.waitFor(
        (f) => f.type === 'message.created' && f.message?.body === 'Here is your answer',
      );
      await sleep(30);
      await socket.close();
      expect(found(socket.frames)).to.deep.equal([]);
      const replayed = socket.ofType('message.created');
      expect(hello.result.resumed[chat.conversationId]).to.deep.equal({
        replayed: replayed.length,
      });
      expect(replayed.map((f: ServerFrame) => f.seq)).to.deep.equal(
        replayed.map((_f, i) => after + i + 1),
      );
      if (from !== 'scratch') {
        expect(replayed.map((f) => f.message.body)).to.deep.equal([
          'Any news?',
          'Here is your answer',
        ]);
      }
    });
  }

  it('keeps them out of every visitor read, over REST and the socket, transcripts included', async () => {
    const id = chat.conversationId;
    const reads: [string, string, Record<string, unknown>][] = [
      [`/api/v1/conversations/${id}/messages`, 'conversation.messages', { conversationId: id }],
      [
        `/api/v1/conversations/${id}/messages?afterSeq=${seqBeforeWhisper}`,
        'conversation.messages',
        { conversationId: id, afterSeq: seqBeforeWhisper },
      ],
      [`/api/v1/conversations/${id}`, 'conversation.get', { conversationId: id }],
      [
        `/api/v1/conversations/${id}/transcript`,
        'conversations.transcript',
        { conversationId: id },
      ],
      [
        `/api/v1/conversations/${id}/transcript?format=xml`,
        'conversations.transcript',
        { conversationId: id, format: 'xml' },
      ],
      ['/api/v1/visitor', 'visitor.me', {}],
    ];
    const { socket } = await RawSocket.connect(tk.url, chat.token);
    const leaks: string[] = [];
    for (const [path, type, data] of reads) {
      const rest = await tk.request('GET', path, undefined, chat.token);
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
    const page = await ok(
      tk,
      200,
      'GET',
      `/api/v1/conversations/${id}/messages`,
      undefined,
      chat.token,
    );
    const seqs = (page.messages as { seq: number }[]).map((m) => m.seq);
    expect(seqs, 'visitor seqs skip nothing: whispers take no visitor seq').to.deep.equal(
      seqs.map((_s, i) => i + 1),
    );
  });

  it('answers a whisper’s or a thread’s id on the attachment route like a missing file', async () => {
    const get = (fileId: string) =>
      fetch(`${tk.url}/api/v1/attachments/${fileId}`, {
        headers: { authorization: `Bearer ${chat.token}` },
      });
    const missing = await get('att_0000000000missingmissingmi');
    const body = await missing.json();
    for (const fileId of [whisperId, threadId]) {
      const res = await get(fileId);
      expect(res.status).to.equal(missing.status);
      const answer = await res.json();
      expect(answer.error.code).to.equal(body.error.code);
      expect(found(answer)).to.deep.equal([]);
    }
  });

  it('refuses the visitor every route of the plugin', async () => {
    const c = `${BASE}/conversations/${chat.conversationId}`;
    const routes: [string, string, unknown][] = [
      ['POST', `${c}/whispers`, { body: 'x' }],
      ['POST', `${c}/threads`, { withUserId: desk.agents[0]!.id }],
      ['GET', `${BASE}/threads`, undefined],
      ['GET', `${BASE}/threads/${threadId}/messages`, undefined],
      ['POST', `${BASE}/threads/${threadId}/messages`, { body: 'x' }],
      ['POST', `${c}/monitor`, {}],
      ['GET', `${c}/monitors`, undefined],
      ['POST', `${c}/barge-in`, {}],
      ['GET', `${BASE}/audit`, undefined],
      ['GET', `${BASE}/ui-settings`, undefined],
    ];
    for (const [method, path, body] of routes) {
      const res = await tk.request(method, path, body, chat.token);
      expect(res.status, `${method} ${path}`).to.equal(403);
      expect(found(res.body), `${method} ${path}`).to.deep.equal([]);
    }
  });

  it('keeps whispers out of the visitor’s view after the chat ends, transcript included', async () => {
    await ok(
      tk,
      200,
      'POST',
      `/api/v1/conversations/${chat.conversationId}/end`,
      {},
      desk.agents[0]!.token,
    );
    for (const path of [
      `/api/v1/conversations/${chat.conversationId}/transcript`,
      `/api/v1/conversations/${chat.conversationId}/transcript?format=xml`,
      `/api/v1/conversations/${chat.conversationId}/messages`,
    ]) {
      const res = await tk.request('GET', path, undefined, chat.token);
      expect(res.status, path).to.equal(200);
      expect(found(res.body), path).to.deep.equal([]);
    }
    expect(found(visitorLive.frames)).to.deep.equal([]);
  });
});
