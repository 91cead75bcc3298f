import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { setupDesk, startVisitor, visitorWithChat, type Desk } from '../support/chat.js';

async function upload(
  tk: TestKernel,
  token: string,
  conversationId: string,
  query: string,
  bytes: Uint8Array | string,
  contentType = 'application/octet-stream',
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tk.url}/api/v1/conversations/${conversationId}/attachments?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: bytes as BodyInit,
  });
  return { status: res.status, body: await res.json() };
}

describe('Visitors and attachments', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({
      config: { auth: { scryptLog2N: 12 }, chat: { maxAttachmentBytes: 4096 } },
    });
    desk = await setupDesk(tk);
  });
  afterEach(() => tk.stop());

  it('record page views with time on page, custom data and a returning visit', async () => {
    const v = await startVisitor(tk, desk.embedKey, {
      language: 'en-GB',
      userAgent: 'TestAgent/1',
    });
    await tk.request(
      'POST',
      '/api/v1/visitor/page-views',
      { url: 'https://shop.example/a', title: 'A', referrer: 'https://search.example/' },
      v.token,
    );
    await tk.clock.advance(42_000);
    await tk.request(
      'POST',
      '/api/v1/visitor/page-views',
      { url: 'https://shop.example/b', title: 'B' },
      v.token,
    );
    const data = await tk.request(
      'PUT',
      '/api/v1/visitor/data',
      { data: { cart: { items: 2, total: 59.9 }, customerId: 'C-17' } },
      v.token,
    );
    expect(data.status).to.equal(200);
    const seen = await tk.request(
      'GET',
      `/api/v1/visitors/${v.visitorId}`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(seen.status).to.equal(200);
    expect(seen.body.visitor.customData).to.deep.equal({
      cart: { items: 2, total: 59.9 },
      customerId: 'C-17',
    });
    expect(seen.body.visitor).to.include({
      language: 'en-GB',
      userAgent: 'TestAgent/1',
      visitCount: 1,
    });
    const [b, a] = seen.body.pageViews;
    expect(a).to.include({
      url: 'https://shop.example/a',
      referrer: 'https://search.example/',
      timeOnPageMs: 42_000,
    });
    expect(b).to.include({ url: 'https://shop.example/b', timeOnPageMs: null });
    await tk.clock.advance(31 * 60 * 1000);
    const back = await startVisitor(tk, desk.embedKey, { cookieId: v.cookieId });
    expect(back.visitorId).to.equal(v.visitorId);
    const again = await tk.request(
      'GET',
      `/api/v1/visitors/${v.visitorId}`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(again.body.visitor.visitCount).to.equal(2);
  });

  it('list a visitor’s call history matched by email across visitor records', async () => {
    const first = await startVisitor(tk, desk.embedKey, { email: 'ann@example.com' });
    const c1 = await tk.request('POST', '/api/v1/conversations', {}, first.token);
    await tk.request(
      'POST',
      `/api/v1/conversations/${c1.body.conversation.id}/end`,
      {},
      first.token,
    );
    const second = await startVisitor(tk, desk.embedKey, { email: 'ann@example.com' });
    expect(second.visitorId).not.to.equal(first.visitorId);
    const history = await tk.request(
      'GET',
      `/api/v1/visitors/${second.visitorId}/history`,
      undefined,
      desk.agents[0]!.token,
    );
    expect(
      history.body.history.map((h: { conversationId: string }) => h.conversationId),
    ).to.deep.equal([c1.body.conversation.id]);
    expect(history.body.history[0].matchedBy).to.equal('email-or-cookie');
  });

  it('refuse a visitor session from an origin the site does not allow', async () => {
    const set = await tk.request(
      'PATCH',
      `/api/v1/sites/${desk.siteId}`,
      { allowedOrigins: ['https://shop.example'] },
      desk.admin.token,
    );
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    const refused = await fetch(`${tk.url}/api/v1/visitor/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ embedKey: desk.embedKey }),
    });
    expect(refused.status).to.equal(403);
    const allowed = await fetch(`${tk.url}/api/v1/visitor/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ embedKey: desk.embedKey }),
    });
    expect(allowed.status).to.equal(201);
  });

  it('store an attachment and serve it only as a download with nosniff', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const up = await upload(
      tk,
      v.token,
      v.conversationId,
      'filename=receipt.pdf&contentType=application/pdf',
      '%PDF-1.4 test',
    );
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    expect(up.body.message.kind).to.equal('file');
    const id = up.body.message.attachment.id;
    const res = await fetch(`${tk.url}/api/v1/attachments/${id}`, {
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="receipt.pdf"/);
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(await res.text()).to.equal('%PDF-1.4 test');
  });

  it('refuse a disallowed type, an oversize file and a path in the name', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const html = await upload(
      tk,
      v.token,
      v.conversationId,
      'filename=x.html&contentType=text/html',
      '<script>',
    );
    expect(html.status).to.equal(400);
    expect(html.body.error.code).to.equal('ATTACHMENT_TYPE_REFUSED');
    const big = await upload(
      tk,
      v.token,
      v.conversationId,
      'filename=big.txt&contentType=text/plain',
      new Uint8Array(5000),
    );
    expect(big.status).to.equal(413);
    const sneaky = await upload(
      tk,
      v.token,
      v.conversationId,
      `filename=${encodeURIComponent('../../etc/passwd')}&contentType=text/plain`,
      'x',
    );
    expect(sneaky.status).to.equal(201);
    expect(sneaky.body.message.attachment.filename).to.equal('passwd');
  });

  it('hide internal attachments from the visitor, name included', async () => {
    const v = await visitorWithChat(tk, desk.embedKey);
    const agent = desk.agents[0]!;
    await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, agent.token);
    const up = await upload(
      tk,
      agent.token,
      v.conversationId,
      'filename=MARKER-secret-notes.txt&contentType=text/plain&visibility=internal',
      'internal',
    );
    expect(up.status).to.equal(201);
    const id = up.body.message.metadata.attachment.id;
    const asVisitor = await fetch(`${tk.url}/api/v1/attachments/${id}`, {
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(asVisitor.status).to.equal(404);
    const history = await tk.request(
      'GET',
      `/api/v1/conversations/${v.conversationId}/messages`,
      undefined,
      v.token,
    );
    expect(JSON.stringify(history.body)).not.to.contain('MARKER-secret');
  });

  it('never let one visitor read another visitor’s conversation or file', async () => {
    const a = await visitorWithChat(tk, desk.embedKey);
    const b = await startVisitor(tk, desk.embedKey);
    const up = await upload(
      tk,
      a.token,
      a.conversationId,
      'filename=a.txt&contentType=text/plain',
      'mine',
    );
    for (const path of [
      `/api/v1/conversations/${a.conversationId}`,
      `/api/v1/conversations/${a.conversationId}/messages`,
      `/api/v1/attachments/${up.body.message.attachment.id}`,
    ]) {
      const res = await tk.request('GET', path, undefined, b.token);
      expect(res.status, path).to.equal(404);
    }
    const write = await tk.request(
      'POST',
      `/api/v1/conversations/${a.conversationId}/messages`,
      { body: 'hijack' },
      b.token,
    );
    expect(write.status).to.equal(404);
  });
});

describe('The live visitor list', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({ config: { auth: { scryptLog2N: 12 } } });
    desk = await setupDesk(tk);
  });
  afterEach(() => tk.stop());

  it('colours visitors grey browsing, red waiting, yellow and green chatting, blue chatted before', async () => {
    const browsing = await startVisitor(tk, desk.embedKey);
    const waiting = await visitorWithChat(tk, desk.embedKey);
    const chatting = await visitorWithChat(tk, desk.embedKey);
    const answered = await visitorWithChat(tk, desk.embedKey);
    const before = await visitorWithChat(tk, desk.embedKey);
    const agent = desk.agents[0]!;
    for (const v of [chatting, answered]) {
      await tk.request('POST', `/api/v1/conversations/${v.conversationId}/pick`, {}, agent.token);
    }
    await tk.request(
      'POST',
      `/api/v1/conversations/${chatting.conversationId}/messages`,
      { body: 'hi?' },
      chatting.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${answered.conversationId}/messages`,
      { body: 'hello!' },
      agent.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${before.conversationId}/end`,
      {},
      before.token,
    );
    const list = await tk.request('GET', '/api/v1/visitors', undefined, agent.token);
    const colour = Object.fromEntries(
      list.body.visitors.map((v: { id: string; colour: string }) => [v.id, v.colour]),
    );
    expect(colour).to.deep.equal({
      [browsing.visitorId]: 'grey',
      [waiting.visitorId]: 'red',
      [chatting.visitorId]: 'yellow',
      [answered.visitorId]: 'green',
      [before.visitorId]: 'blue',
    });
  });
});
