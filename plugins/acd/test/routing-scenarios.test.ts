import { once } from 'node:events';
import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import {
  agentSocket,
  boot,
  chat,
  conversation,
  desk,
  presence,
  presenceOf,
  tick,
  ticksUntil,
  visitor,
  waitFor,
  type Desk,
} from './support.js';

/** The routing rules of the ACD, one scenario each, through the public REST API. */
describe('ACD routing scenarios', () => {
  let tk: TestKernel;

  before(async () => {
    tk = await boot();
  });
  after(() => tk.stop());

  const assignedTo = async (id: string) =>
    (await conversation(tk, id)).assignedAgentId as string | null;
  const decisions = async (d: Desk, id: string) => {
    const res = await tk.request(
      'GET',
      `/api/v1/plugins/acd/decisions?conversationId=${id}`,
      undefined,
      d.adminToken,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.decisions as any[];
  };
  /** Agents come online one virtual second apart, so the first has been idle longest. */
  const staggered = async (specs: Parameters<typeof desk>[1], settings = {}) => {
    const d = await desk(
      tk,
      specs.map((s) => ({ ...s, online: false })),
      settings,
    );
    for (const a of d.agents) {
      await presence(tk, a, 'online');
      await tk.clock.advance(1000);
    }
    return d;
  };

  it('gives a chat to the agent with the lowest load/capacity ratio, even over a longer idle one', async () => {
    const d = await staggered([{ capacity: 2 }, { capacity: 3 }]);
    const [a, b] = d.agents;
    expect(await assignedTo((await chat(tk, d.embedKey)).conversationId)).to.equal(a!.id);
    await tk.clock.advance(1000);
    expect(await assignedTo((await chat(tk, d.embedKey)).conversationId)).to.equal(b!.id);
    await tk.clock.advance(1000);
    // A (1/2) has been idle longer than B (1/3), but B's ratio is lower.
    const third = (await chat(tk, d.embedKey)).conversationId;
    expect(await assignedTo(third)).to.equal(b!.id);
    expect((await decisions(d, third))[0].rule).to.equal('lowest-load-ratio');
  });

  it('breaks a ratio tie by the longest idle time', async () => {
    const d = await staggered([{ capacity: 2 }, { capacity: 2 }]);
    const [a, b] = d.agents;
    expect(await assignedTo((await chat(tk, d.embedKey)).conversationId)).to.equal(a!.id);
    await tk.clock.advance(1000);
    expect(await assignedTo((await chat(tk, d.embedKey)).conversationId)).to.equal(b!.id);
    await tk.clock.advance(1000);
    const third = (await chat(tk, d.embedKey)).conversationId;
    expect(await assignedTo(third)).to.equal(a!.id);
    const [decision] = await decisions(d, third);
    expect(decision.rule).to.equal('longest-idle');
    expect(decision.candidates.map((c: any) => c.agentId)).to.deep.equal([a!.id, b!.id]);
    expect(decision.candidates[0]).to.include({ load: 1, capacity: 2, match: 'any' });
    expect(decision.candidates[0].idleMs).to.be.greaterThan(decision.candidates[1].idleMs);
  });

  it('breaks a full tie by agent id, the same way every time', async () => {
    const d = await desk(tk, [{}, {}, {}]);
    const smallest = [...d.agents].sort((x, y) => (x.id < y.id ? -1 : 1))[0]!;
    const id = (await chat(tk, d.embedKey)).conversationId;
    expect(await assignedTo(id)).to.equal(smallest.id);
    expect((await decisions(d, id))[0].rule).to.equal('tie-break-agent-id');
  });

  it('offers a skill chat only to agents with the skill, and queues it when none has room', async () => {
    const d = await staggered([{}, { skills: ['billing'] }]);
    const [, billing] = d.agents;
    const first = await chat(tk, d.embedKey, { skill: 'billing' });
    expect(await assignedTo(first.conversationId)).to.equal(billing!.id);
    expect((await decisions(d, first.conversationId))[0].candidates[0].match).to.equal(
      'skill:billing',
    );
    const second = await chat(tk, d.embedKey, { skill: 'billing' });
    expect(second.status).to.equal('queued');
    // The agent without the skill stays free.
    const board = await tk.request(
      'GET',
      '/api/v1/plugins/acd/scoreboard',
      undefined,
      d.adminToken,
    );
    expect(board.body.queues).to.deep.equal([
      { queue: 'skill:billing', length: 1, oldestWaitMs: 0 },
    ]);
    expect(board.body.agents.find((x: any) => x.agentId === d.agents[0]!.id).state).to.equal(
      'available',
    );
  });

  it('routes to a specific agent, then falls back to the group after the configured wait', async () => {
    const d = await staggered([{ groups: ['sales'] }, { groups: ['sales'] }]);
    const [a, b] = d.agents;
    const first = await chat(tk, d.embedKey);
    expect(await assignedTo(first.conversationId)).to.equal(a!.id);
    const second = await chat(tk, d.embedKey);
    expect(await assignedTo(second.conversationId)).to.equal(b!.id);
    // B sends the chat back asking for A, who is full; after 5 s any sales agent will do.
    const res = await tk.request(
      'POST',
      `/api/v1/conversations/${second.conversationId}/transfer`,
      {
        target: {
          kind: 'agent',
          value: a!.id,
          fallbackAfterMs: 5000,
          fallback: { kind: 'group', value: 'sales' },
        },
      },
      b!.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await conversation(tk, second.conversationId)).state).to.equal('waiting');
    await tk.clock.advance(2000);
    expect((await conversation(tk, second.conversationId)).state).to.equal('waiting');
    // The fallback is served by a sales agent: B is excluded for transferring it away, so it
    // waits for A... unless a third sales agent comes; end A's chat to free A instead.
    await tk.request('POST', `/api/v1/conversations/${first.conversationId}/end`, {}, a!.token);
    await waitFor(
      async () => (await assignedTo(second.conversationId)) === a!.id,
      'assignment to A',
    );
  });

  it('falls back to the group once the specific agent has not answered in time', async () => {
    const d = await staggered([
      { groups: ['sales'] },
      { groups: ['sales'] },
      { groups: ['sales'] },
    ]);
    const [a, b, c] = d.agents;
    const first = await chat(tk, d.embedKey);
    expect(await assignedTo(first.conversationId)).to.equal(a!.id);
    const second = await chat(tk, d.embedKey);
    expect(await assignedTo(second.conversationId)).to.equal(b!.id);
    await tk.request(
      'POST',
      `/api/v1/conversations/${second.conversationId}/transfer`,
      {
        target: {
          kind: 'agent',
          value: a!.id,
          fallbackAfterMs: 5000,
          fallback: { kind: 'group', value: 'sales' },
        },
      },
      b!.token,
    );
    await tick(tk, 2000);
    expect((await conversation(tk, second.conversationId)).state).to.equal('waiting');
    await ticksUntil(
      tk,
      async () => (await assignedTo(second.conversationId)) === c!.id,
      'fallback to C',
    );
    const last = (await decisions(d, second.conversationId)).at(-1);
    expect(last.candidates[0].match).to.equal('fallback:group:sales');
  });

  it('serves higher priority first, first come first served within a priority', async () => {
    const d = await desk(tk, [{ capacity: 1 }]);
    const [a] = d.agents;
    const busy = await chat(tk, d.embedKey);
    expect(await assignedTo(busy.conversationId)).to.equal(a!.id);
    const early = await chat(tk, d.embedKey);
    await tk.clock.advance(10);
    const late = await chat(tk, d.embedKey);
    await tk.clock.advance(10);
    const later = await chat(tk, d.embedKey);
    const set = await tk.request(
      'PUT',
      `/api/v1/plugins/acd/conversations/${later.conversationId}/priority`,
      { priority: 5 },
      d.adminToken,
    );
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    const queue = await tk.request('GET', '/api/v1/queue', undefined, d.adminToken);
    expect(queue.body.queue.map((c: any) => c.id)).to.deep.equal([
      later.conversationId,
      early.conversationId,
      late.conversationId,
    ]);
    await tk.request('POST', `/api/v1/conversations/${busy.conversationId}/end`, {}, a!.token);
    await waitFor(async () => (await assignedTo(later.conversationId)) === a!.id, 'priority chat');
    expect(await assignedTo(early.conversationId)).to.equal(null);
    expect((await decisions(d, later.conversationId))[0].priority).to.equal(5);
  });

  it('never gives an agent more chats than their capacity', async () => {
    const d = await desk(tk, [{ capacity: 2 }]);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await chat(tk, d.embedKey)).conversationId);
    const owners = await Promise.all(ids.map(assignedTo));
    expect(owners.filter((o) => o === d.agents[0]!.id)).to.have.length(2);
    expect(owners[2]).to.equal(null);
    const board = await tk.request(
      'GET',
      '/api/v1/plugins/acd/scoreboard',
      undefined,
      d.adminToken,
    );
    expect(board.body.agents.find((x: any) => x.agentId === d.agents[0]!.id)).to.include({
      load: 2,
      capacity: 2,
      state: 'full',
    });
  });

  it('skips agents who are away or offline, and routes to them when they come online', async () => {
    const d = await desk(tk, [{}, { online: false }]);
    const [a, b] = d.agents;
    expect(await assignedTo((await chat(tk, d.embedKey)).conversationId)).to.equal(a!.id);
    const waiting = await chat(tk, d.embedKey);
    expect(waiting.status).to.equal('queued');
    await presence(tk, b!, 'away');
    expect(await assignedTo(waiting.conversationId)).to.equal(null);
    await presence(tk, b!, 'online');
    await waitFor(
      async () => (await assignedTo(waiting.conversationId)) === b!.id,
      'B on coming online',
    );
  });

  it('takes an agent whose console closed out of routing: the offer they had not accepted goes back to the head of the queue', async () => {
    const d = await desk(tk, [{}, { online: false }], { mode: 'offer', offerTimeoutMs: 600_000 });
    const [a, b] = d.agents;
    const socket = await agentSocket(tk, a!);
    const first = await chat(tk, d.embedKey);
    expect((await conversation(tk, first.conversationId)).offeredTo).to.equal(a!.id);
    await tick(tk); // the second chat arrives a second later
    const second = await chat(tk, d.embedKey);
    expect((await conversation(tk, second.conversationId)).state).to.equal('waiting');
    socket.close();
    await once(socket, 'close');
    // The kernel waits 10 s for a reconnect before it treats the agent as gone.
    await ticksUntil(
      tk,
      async () =>
        (await presenceOf(tk, d, a!)) === 'offline' &&
        (await conversation(tk, first.conversationId)).offeredTo === null,
      'the agent to go offline and the offer to come back',
    );
    await presence(tk, b!, 'online');
    await waitFor(
      async () => (await conversation(tk, first.conversationId)).offeredTo === b!.id,
      'the older chat to be offered first',
    );
    expect((await conversation(tk, second.conversationId)).offeredTo).to.equal(null);
    // Back at the console: their presence comes back, and so do chats.
    const again = await agentSocket(tk, a!);
    await waitFor(async () => (await presenceOf(tk, d, a!)) === 'online', 'online again');
    await waitFor(
      async () => (await conversation(tk, second.conversationId)).offeredTo === a!.id,
      'the next chat to be offered to them',
    );
    again.close();
  });

  it('offers with an accept timeout, re-routes a lapsed offer and never re-offers it to that agent', async () => {
    const d = await desk(tk, [{}, {}], {
      mode: 'offer',
      offerTimeoutMs: 5000,
      missedOffersBeforeAway: 0,
    });
    const c = await chat(tk, d.embedKey);
    const first = (await conversation(tk, c.conversationId)).offeredTo;
    expect(first).to.be.oneOf(d.agents.map((a) => a.id));
    await tk.clock.advance(5000);
    await waitFor(async () => {
      const now = (await conversation(tk, c.conversationId)).offeredTo;
      return now !== null && now !== first;
    }, 'the offer to move on');
    const second = (await conversation(tk, c.conversationId)).offeredTo;
    await tk.clock.advance(5000);
    await waitFor(
      async () => (await conversation(tk, c.conversationId)).offeredTo === null,
      'second lapse',
    );
    await tick(tk);
    await tick(tk);
    // Both agents let it lapse: it waits for someone else rather than going back to them.
    const now = await conversation(tk, c.conversationId);
    expect(now).to.include({ state: 'waiting', offeredTo: null });
    const list = await decisions(d, c.conversationId);
    expect(list.map((x) => [x.mode, x.agentId])).to.deep.equal([
      ['offer', first],
      ['offer', second],
    ]);
  });

  it('sets an agent away after the configured number of missed offers', async () => {
    const d = await desk(tk, [{}], {
      mode: 'offer',
      offerTimeoutMs: 2000,
      missedOffersBeforeAway: 2,
    });
    const [a] = d.agents;
    for (let i = 0; i < 2; i++) {
      const c = await chat(tk, d.embedKey);
      await waitFor(
        async () => (await conversation(tk, c.conversationId)).offeredTo === a!.id,
        'the offer',
      );
      await tk.clock.advance(2000);
      await waitFor(
        async () => (await conversation(tk, c.conversationId)).offeredTo === null,
        'lapse',
      );
    }
    await waitFor(async () => {
      const res = await tk.request('GET', `/api/v1/users/${a!.id}`, undefined, d.adminToken);
      return res.body.presence === 'away';
    }, 'agent set away');
  });

  it('assigns at once in auto-accept mode, and an accepted offer resets the missed count', async () => {
    const d = await desk(tk, [{ capacity: 2 }], {
      mode: 'offer',
      offerTimeoutMs: 2000,
      missedOffersBeforeAway: 2,
    });
    const [a] = d.agents;
    const lapsed = await chat(tk, d.embedKey);
    await tk.clock.advance(2000);
    await waitFor(
      async () => (await conversation(tk, lapsed.conversationId)).offeredTo === null,
      'lapse',
    );
    const accepted = await chat(tk, d.embedKey);
    expect((await conversation(tk, accepted.conversationId)).offeredTo).to.equal(a!.id);
    const res = await tk.request(
      'POST',
      `/api/v1/conversations/${accepted.conversationId}/accept`,
      {},
      a!.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const again = await chat(tk, d.embedKey);
    await tk.clock.advance(2000);
    await waitFor(
      async () => (await conversation(tk, again.conversationId)).offeredTo === null,
      'lapse',
    );
    const me = await tk.request('GET', `/api/v1/users/${a!.id}`, undefined, d.adminToken);
    expect(me.body.presence).to.equal('online');
    const auto = await desk(tk, [{}]);
    expect((await chat(tk, auto.embedKey)).status).to.equal('assigned');
  });

  it('transfers to a skill: the chat goes to an agent with that skill', async () => {
    const d = await staggered([{}, { skills: ['vip'] }]);
    const [a, vip] = d.agents;
    const c = await chat(tk, d.embedKey);
    expect(await assignedTo(c.conversationId)).to.equal(a!.id);
    const res = await tk.request(
      'POST',
      `/api/v1/conversations/${c.conversationId}/transfer`,
      { target: { kind: 'skill', value: 'vip' } },
      a!.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await waitFor(async () => (await assignedTo(c.conversationId)) === vip!.id, 'the vip agent');
  });

  it('diverts requests to an offline message outside business hours, and serves them inside', async () => {
    // The virtual clock starts on Thursday 2026-01-01 00:00 UTC.
    const d = await desk(tk, [{}], {
      queues: {
        any: {
          businessHours: {
            timezone: 'UTC',
            weekly: { thu: [['09:00', '17:00']] },
            closedMessage: 'We open at nine.',
          },
        },
      },
    });
    const v = await visitor(tk, d.embedKey);
    const closed = await v.request();
    expect(closed.status).to.equal(201);
    expect(closed.body).to.deep.equal({ status: 'offline', message: 'We open at nine.' });
    const opensIn = Date.UTC(2026, 0, 1, 9) - tk.clock.now();
    if (opensIn > 0) await tk.clock.advance(opensIn);
    const open = await v.request();
    expect(open.body.status).to.equal('assigned');
  });

  it('overflows a full queue to an offline message', async () => {
    const d = await desk(tk, [{}], {
      queues: { '*': { maxLength: 1, overflowMessage: 'Busy, leave a note.' } },
    });
    expect((await chat(tk, d.embedKey)).status).to.equal('assigned');
    expect((await chat(tk, d.embedKey)).status).to.equal('queued');
    const v = await visitor(tk, d.embedKey);
    const full = await v.request();
    expect(full.body).to.deep.equal({ status: 'offline', message: 'Busy, leave a note.' });
  });

  it('overflows a chat past its queue’s max wait: it ends with an offline-message offer the visitor sees', async () => {
    const d = await desk(tk, [{}], { queues: { any: { maxWaitMs: 5000 } } });
    await chat(tk, d.embedKey);
    const waiting = await chat(tk, d.embedKey);
    expect(waiting.status).to.equal('queued');
    await tick(tk, 3000);
    expect((await conversation(tk, waiting.conversationId)).state).to.equal('waiting');
    await ticksUntil(
      tk,
      async () => (await conversation(tk, waiting.conversationId)).state === 'ended',
      'overflow',
    );
    const seen = await tk.request(
      'GET',
      `/api/v1/conversations/${waiting.conversationId}/messages`,
      undefined,
      waiting.token,
    );
    expect(JSON.stringify(seen.body)).to.contain('nobody could answer in time');
    const staff = await tk.request(
      'GET',
      `/api/v1/conversations/${waiting.conversationId}/messages`,
    );
    const offer = staff.body.messages.find((m: any) => m.metadata?.acd === 'overflow');
    expect(offer.metadata).to.include({ reason: 'max-wait', offer: 'offline-message' });
    expect(
      (await conversation(tk, waiting.conversationId)).endReason ?? 'overflow:max-wait',
    ).to.equal('overflow:max-wait');
  });
});
