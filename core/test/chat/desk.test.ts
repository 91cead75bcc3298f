import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { accountsTestConfig } from '../support/accounts.js';
import { setupDesk, visitorWithChat, type Desk } from '../support/chat.js';

describe('Desk operations: agents, queue position, exit survey', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    desk = await setupDesk(tk, 2, 3);
  });
  afterEach(() => tk.stop());

  const pick = (conversationId: string, token: string) =>
    tk.request('POST', `/api/v1/conversations/${conversationId}/pick`, {}, token);

  it('lists the tenant’s agents with presence, load and capacity', async () => {
    const chat = await visitorWithChat(tk, desk.embedKey);
    expect((await pick(chat.conversationId, desk.agents[0]!.token)).status).to.equal(200);
    const res = await tk.request('GET', '/api/v1/agents', undefined, desk.agents[1]!.token);
    expect(res.status).to.equal(200);
    const byId = new Map(res.body.agents.map((a: any) => [a.agentId, a]));
    expect(byId.get(desk.agents[0]!.id)).to.include({ load: 1, capacity: 3, presence: 'online' });
    expect(byId.get(desk.agents[1]!.id)).to.include({ load: 0, capacity: 3 });
    expect(byId.has(desk.admin.id)).to.equal(true);
  });

  it('never shows one tenant’s agents to another, and refuses visitors', async () => {
    const other = await setupDesk(tk, 1, 2);
    const res = await tk.request('GET', '/api/v1/agents', undefined, other.agents[0]!.token);
    const ids = res.body.agents.map((a: any) => a.agentId);
    expect(ids).not.to.include(desk.agents[0]!.id);
    const chat = await visitorWithChat(tk, desk.embedKey);
    expect((await tk.request('GET', '/api/v1/agents', undefined, chat.token)).status).to.equal(403);
  });

  it('tells each waiting visitor their place in the queue, first come first served', async () => {
    const chats = [];
    for (let i = 0; i < 3; i++) {
      chats.push(await visitorWithChat(tk, desk.embedKey));
      await tk.clock.advance(1000);
    }
    const positions = [];
    for (const chat of chats) {
      const res = await tk.request(
        'GET',
        `/api/v1/conversations/${chat.conversationId}/queue`,
        undefined,
        chat.token,
      );
      expect(res.status).to.equal(200);
      expect(res.body.waiting).to.equal(3);
      positions.push(res.body.position);
    }
    expect(positions).to.deep.equal([1, 2, 3]);
    // No chat has ended yet: there is nothing to estimate from.
    const first = await tk.request(
      'GET',
      `/api/v1/conversations/${chats[0]!.conversationId}/queue`,
      undefined,
      chats[0]!.token,
    );
    expect(first.body.estimatedWaitSeconds).to.equal(null);

    await pick(chats[0]!.conversationId, desk.agents[0]!.token);
    const second = await tk.request(
      'GET',
      `/api/v1/conversations/${chats[1]!.conversationId}/queue`,
      undefined,
      chats[1]!.token,
    );
    expect(second.body).to.include({ position: 1, waiting: 2 });
    const picked = await tk.request(
      'GET',
      `/api/v1/conversations/${chats[0]!.conversationId}/queue`,
      undefined,
      chats[0]!.token,
    );
    expect(picked.body).to.include({ state: 'active', position: null });
  });

  it('estimates the wait from the length of recent chats and the capacity online', async () => {
    const done = await visitorWithChat(tk, desk.embedKey);
    await pick(done.conversationId, desk.agents[0]!.token);
    await tk.clock.advance(120_000);
    const end = await tk.request(
      'POST',
      `/api/v1/conversations/${done.conversationId}/end`,
      {},
      desk.agents[0]!.token,
    );
    expect(end.status).to.equal(200);
    const waiting = await visitorWithChat(tk, desk.embedKey);
    const res = await tk.request(
      'GET',
      `/api/v1/conversations/${waiting.conversationId}/queue`,
      undefined,
      waiting.token,
    );
    // One chat of 120 s, 2 agents × 3 slots online, first in line: 120 / 6 = 20 s.
    expect(res.body).to.include({ position: 1, estimatedWaitSeconds: 20 });
  });

  it('does not let a visitor see another visitor’s queue place', async () => {
    const mine = await visitorWithChat(tk, desk.embedKey);
    const theirs = await visitorWithChat(tk, desk.embedKey);
    const res = await tk.request(
      'GET',
      `/api/v1/conversations/${theirs.conversationId}/queue`,
      undefined,
      mine.token,
    );
    expect(res.status).to.equal(404);
  });

  it('takes one exit survey per chat from its visitor, and shows it to agents', async () => {
    const chat = await visitorWithChat(tk, desk.embedKey);
    const path = `/api/v1/conversations/${chat.conversationId}/survey`;
    const early = await tk.request('POST', path, { rating: 5 }, chat.token);
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('SURVEY_TOO_EARLY');

    await pick(chat.conversationId, desk.agents[0]!.token);
    await tk.request(
      'POST',
      `/api/v1/conversations/${chat.conversationId}/end`,
      {},
      desk.agents[0]!.token,
    );
    const bad = await tk.request('POST', path, { rating: 6 }, chat.token);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/rating/);

    const sent = await tk.request('POST', path, { rating: 4, comment: ' Quick help ' }, chat.token);
    expect(sent.status).to.equal(201);
    expect(sent.body.survey).to.include({
      rating: 4,
      comment: 'Quick help',
      agentId: desk.agents[0]!.id,
    });
    const again = await tk.request('POST', path, { rating: 1 }, chat.token);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('SURVEY_ALREADY_SENT');

    const seen = await tk.request('GET', path, undefined, desk.agents[1]!.token);
    expect(seen.status).to.equal(200);
    expect(seen.body.survey).to.include({ rating: 4 });
    // Agents do not fill in surveys for visitors.
    const byAgent = await tk.request('POST', path, { rating: 5 }, desk.agents[0]!.token);
    expect(byAgent.status).to.equal(403);
  });

  it('erases a visitor’s survey with the rest of their data', async () => {
    const chat = await visitorWithChat(tk, desk.embedKey);
    await pick(chat.conversationId, desk.agents[0]!.token);
    await tk.request(
      'POST',
      `/api/v1/conversations/${chat.conversationId}/survey`,
      { rating: 3 },
      chat.token,
    );
    const erase = await tk.request(
      'DELETE',
      `/api/v1/visitors/${chat.visitorId}`,
      undefined,
      desk.admin.token,
    );
    expect(erase.status, JSON.stringify(erase.body)).to.be.oneOf([200, 204]);
    const rows = await tk.knex('core_conversation_surveys').where({
      conversation_id: chat.conversationId,
    });
    expect(rows).to.have.length(0);
  });
});
