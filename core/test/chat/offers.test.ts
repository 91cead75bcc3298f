import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel, waitFor } from '../support/kernel.js';
import { setupDesk, startVisitor, type Desk } from '../support/chat.js';

/** Offers: a routing plugin reserves a chat for one agent, who accepts, declines or lets it lapse. */
describe('Offers to agents', () => {
  let tk: TestKernel;
  let desk: Desk;

  beforeEach(async () => {
    tk = await bootKernel(['offer-router'], { config: { auth: { scryptLog2N: 12 } } });
    desk = await setupDesk(tk, 2, 1);
  });
  afterEach(() => tk.stop());

  async function request(): Promise<{ token: string; conversationId: string }> {
    const v = await startVisitor(tk, desk.embedKey);
    const res = await tk.request('POST', '/api/v1/conversations', {}, v.token);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { token: v.token, conversationId: res.body.conversation.id };
  }

  async function conversation(id: string): Promise<any> {
    return (await tk.request('GET', `/api/v1/conversations/${id}`, undefined, desk.admin.token))
      .body;
  }

  it('reserve the chat for the offered agent, who accepts it', async () => {
    const { conversationId } = await request();
    const offered = await conversation(conversationId);
    expect(offered.state).to.equal('waiting');
    const agent = desk.agents.find((a) => a.id === offered.offeredTo)!;
    const other = desk.agents.find((a) => a.id !== offered.offeredTo)!;
    const stolen = await tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/pick`,
      {},
      other.token,
    );
    expect(stolen.status).to.equal(409);
    const accepted = await tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/accept`,
      {},
      agent.token,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    expect(accepted.body).to.include({
      state: 'active',
      assignedAgentId: agent.id,
      offeredTo: null,
    });
  });

  it('count a standing offer toward the agent’s capacity', async () => {
    const first = await request();
    const offeredTo = (await conversation(first.conversationId)).offeredTo;
    const second = await request();
    const next = await conversation(second.conversationId);
    expect(next.offeredTo).to.be.a('string').and.not.equal(offeredTo);
    const third = await request();
    expect((await conversation(third.conversationId)).offeredTo).to.equal(null);
  });

  it('offer a declined chat to someone else, never again to the one who declined', async () => {
    const { conversationId } = await request();
    const first = (await conversation(conversationId)).offeredTo;
    const decliner = desk.agents.find((a) => a.id === first)!;
    const declined = await tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/decline`,
      {},
      decliner.token,
    );
    expect(declined.status).to.equal(204);
    await waitFor(
      async () => (await conversation(conversationId)).offeredTo !== null,
      'a new offer',
    );
    expect((await conversation(conversationId)).offeredTo).not.to.equal(first);
    const again = await tk.request(
      'POST',
      `/api/v1/conversations/${conversationId}/accept`,
      {},
      decliner.token,
    );
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('OFFER_GONE');
  });

  it('take a lapsed offer back and offer it on', async () => {
    const { conversationId } = await request();
    const first = (await conversation(conversationId)).offeredTo;
    await tk.clock.advance(5000);
    await waitFor(async () => {
      const c = await conversation(conversationId);
      return c.offeredTo !== null && c.offeredTo !== first;
    }, 'the offer to move on');
  });

  it('give back the offers of an agent who goes away', async () => {
    const { conversationId } = await request();
    const first = (await conversation(conversationId)).offeredTo;
    const agent = desk.agents.find((a) => a.id === first)!;
    await tk.request('POST', '/api/v1/presence', { presence: 'away' }, agent.token);
    await waitFor(async () => {
      const c = await conversation(conversationId);
      return c.offeredTo !== null && c.offeredTo !== first;
    }, 'the offer to move to the other agent');
  });
});
