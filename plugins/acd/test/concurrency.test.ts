import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { boot, conversation, desk, visitor, type Desk } from './support.js';

/**
 * Atomicity under concurrency. On PostgreSQL every suite runs on TWO kernel processes sharing
 * one schema, requests alternating between them; on sqlite on one (sqlite has one writer).
 */
describe('ACD under concurrency', function () {
  this.timeout(120_000);
  let tk: TestKernel;
  let other: TestKernel;
  /** The kernels requests alternate over. */
  let kernels: TestKernel[];

  beforeEach(async () => {
    tk = await boot();
    other =
      tk.dialect === 'postgres'
        ? await boot({ joinSchema: tk.schema!, adminToken: tk.adminToken })
        : tk;
    kernels = tk === other ? [tk] : [tk, other];
  });
  afterEach(async () => {
    if (other !== tk) await other.stop();
    await tk.stop();
  });

  const on = (i: number) => kernels[i % kernels.length]!;

  /** Largest load/capacity excess of any agent right now (load counts offers), straight from SQL. */
  async function worstExcess(d: Desk): Promise<number> {
    const rows = (await tk
      .knex('core_users as u')
      .where('u.tenant_id', d.tenantId)
      .select('u.id', 'u.capacity')
      .select(
        tk.knex.raw(
          `(select count(*) from core_conversations c where (c.assigned_agent_id = u.id and c.ended_at is null) or (c.offered_to = u.id and c.state = 'waiting')) as load`,
        ),
      )) as { id: string; capacity: number | string; load: number | string }[];
    return Math.max(...rows.map((r) => Number(r.load) - Number(r.capacity)));
  }

  it('assigns exactly 60 of 200 simultaneous requests to 20 agents × 3, the rest queued in arrival order', async () => {
    const d = await desk(
      tk,
      Array.from({ length: 20 }, () => ({ capacity: 3 })),
    );
    const visitors = await Promise.all(Array.from({ length: 200 }, () => visitor(tk, d.embedKey)));
    let sampling = true;
    let worst = -Infinity;
    const sampler = (async () => {
      while (sampling) {
        worst = Math.max(worst, await worstExcess(d));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const pending: Promise<{ status: number; body: any }>[] = [];
    for (const [i, v] of visitors.entries()) {
      pending.push(on(i).request('POST', '/api/v1/conversations', {}, v.token));
      // One virtual millisecond apart, so arrival order is the stored order.
      await tk.clock.advance(1);
      if (other !== tk) await other.clock.advance(1);
    }
    const answers = await Promise.all(pending);
    sampling = false;
    await sampler;
    expect(answers.map((a) => a.status)).to.deep.equal(Array(200).fill(201));
    expect(worst, 'an agent was over capacity at some instant').to.be.at.most(0);
    expect(await worstExcess(d)).to.equal(0);

    const rows = (await tk
      .knex('core_conversations')
      .where({ tenant_id: d.tenantId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])) as Record<string, any>[];
    expect(rows).to.have.length(200);
    const active = rows.filter((r) => r.state === 'active');
    const waiting = rows.filter((r) => r.state === 'waiting');
    expect(active).to.have.length(60);
    expect(waiting).to.have.length(140);
    const perAgent = new Map<string, number>();
    for (const r of active)
      perAgent.set(r.assigned_agent_id, (perAgent.get(r.assigned_agent_id) ?? 0) + 1);
    expect([...perAgent.values()]).to.deep.equal(Array(20).fill(3));
    // Each chat assigned once: one agent.joined event per active chat.
    const joined = (await tk
      .knex('core_messages')
      .where({ tenant_id: d.tenantId, kind: 'event' })
      .andWhere('metadata', 'like', '%"agent.joined"%')
      .select('conversation_id')) as { conversation_id: string }[];
    expect(joined).to.have.length(60);
    expect(new Set(joined.map((j) => j.conversation_id)).size).to.equal(60);
    // The queue lists the 140 in arrival order.
    const queue = await tk.request('GET', '/api/v1/queue', undefined, d.adminToken);
    expect(queue.body.queue.map((c: any) => c.id)).to.deep.equal(waiting.map((r) => r.id));
    if (kernels.length === 1) {
      // One process: first come, first served. No chat still waiting arrived strictly before one
      // that was assigned (chats stored in the same virtual millisecond tie).
      const lastAssigned = Math.max(...active.map((r) => Number(r.created_at)));
      const firstWaiting = Math.min(...waiting.map((r) => Number(r.created_at)));
      expect(firstWaiting).to.be.at.least(lastAssigned);
    }
    // Every assignment is explained.
    const decisions = await tk
      .knex('acd_decisions')
      .where({ tenant_id: d.tenantId })
      .count({ n: '*' });
    expect(Number(decisions[0]!.n)).to.equal(60);
  });

  it('lets exactly one of two agents win an offered chat, 500 times over', async () => {
    const d = await desk(tk, [{ capacity: 1 }, { capacity: 1 }], {
      mode: 'offer',
      offerTimeoutMs: 600_000,
      missedOffersBeforeAway: 0,
    });
    const [a, b] = d.agents as [Desk['agents'][0], Desk['agents'][0]];
    const byId = new Map(d.agents.map((x) => [x.id, x]));
    for (let i = 0; i < 500; i++) {
      const v = await visitor(on(i), d.embedKey);
      const res = await v.request();
      expect(res.status).to.equal(201);
      const id = res.body.conversation.id as string;
      const offered = (await conversation(tk, id)).offeredTo as string;
      const to = byId.get(offered)!;
      const rival = to === a ? b : a;
      const race = await Promise.all([
        on(i).request('POST', `/api/v1/conversations/${id}/accept`, {}, to.token),
        on(i + 1).request('POST', `/api/v1/conversations/${id}/accept`, {}, rival.token),
        on(i + 1).request('POST', `/api/v1/conversations/${id}/accept`, {}, to.token),
        on(i).request('POST', `/api/v1/conversations/${id}/pick`, {}, rival.token),
      ]);
      const winners = race.filter((r) => r.status === 200);
      expect(winners, `round ${i}: ${JSON.stringify(race.map((r) => r.status))}`).to.have.length(1);
      expect(race.filter((r) => r.status === 409)).to.have.length(3);
      const after = await conversation(tk, id);
      expect(after).to.include({ state: 'active', assignedAgentId: to.id, offeredTo: null });
      const end = await on(i).request('POST', `/api/v1/conversations/${id}/end`, {}, to.token);
      expect(end.status).to.equal(200);
    }
    const joined = (await tk
      .knex('core_messages')
      .where({ tenant_id: d.tenantId, kind: 'event' })
      .andWhere('metadata', 'like', '%"agent.joined"%')
      .count({ n: '*' })) as { n: number | string }[];
    expect(Number(joined[0]!.n)).to.equal(500);
  });

  it('gives one visitor one open conversation out of 50 concurrent starts', async () => {
    const d = await desk(tk, [{ capacity: 3 }]);
    const v = await visitor(tk, d.embedKey);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        on(i).request('POST', '/api/v1/conversations', {}, v.token),
      ),
    );
    expect(answers.map((a) => a.status)).to.deep.equal(Array(50).fill(201));
    expect(new Set(answers.map((a) => a.body.conversation.id)).size).to.equal(1);
    const open = (await tk
      .knex('core_conversations')
      .where({ tenant_id: d.tenantId, visitor_id: v.visitorId })
      .whereNull('ended_at')
      .count({ n: '*' })) as { n: number | string }[];
    expect(Number(open[0]!.n)).to.equal(1);
    expect(await worstExcess(d)).to.be.at.most(0);
  });
});
