import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { AcdService } from '../src/common/acd-service.js';
import { boot, chat, desk, tick, ticksUntil, user } from './support.js';

interface Bus {
  events: { subscribe(topic: string, fn: (payload: unknown) => void): { dispose(): void } };
}

/** Decisions, scoreboard and live pushes through the public API. */
describe('ACD API and live updates', () => {
  let tk: TestKernel;

  before(async () => {
    tk = await boot();
  });
  after(() => tk.stop());

  it('explains a decision to the tenant’s staff and answers 404 to another tenant', async () => {
    const d = await desk(tk, [{}, {}]);
    const c = await chat(tk, d.embedKey);
    const res = await tk.request(
      'GET',
      `/api/v1/plugins/acd/decisions?conversationId=${c.conversationId}`,
      undefined,
      d.agents[0]!.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const [decision] = res.body.decisions;
    expect(decision).to.include({
      conversationId: c.conversationId,
      mode: 'assign',
      queue: 'any',
      eligible: 2,
    });
    expect(decision.candidates).to.have.length(2);
    for (const candidate of decision.candidates) {
      expect(candidate).to.have.keys(['agentId', 'load', 'capacity', 'idleMs', 'match', 'score']);
    }
    const stranger = await desk(tk, [{}]);
    const foreign = await tk.request(
      'GET',
      `/api/v1/plugins/acd/decisions?conversationId=${c.conversationId}`,
      undefined,
      stranger.adminToken,
    );
    const missing = await tk.request(
      'GET',
      '/api/v1/plugins/acd/decisions?conversationId=cnv_nope',
      undefined,
      stranger.adminToken,
    );
    expect(foreign.status).to.equal(404);
    expect(foreign.body.error.code).to.equal(missing.body.error.code);
    expect(foreign.body.error.message.replace(c.conversationId, 'X')).to.equal(
      missing.body.error.message.replace('cnv_nope', 'X'),
    );
  });

  it('shows the scoreboard to supervisors but not to agents', async () => {
    const d = await desk(tk, [{ capacity: 2 }]);
    await chat(tk, d.embedKey);
    const supervisor = await user(tk, d.tenantId, { role: 'supervisor', name: 'Sue' });
    const board = await tk.request(
      'GET',
      '/api/v1/plugins/acd/scoreboard',
      undefined,
      supervisor.token,
    );
    expect(board.status, JSON.stringify(board.body)).to.equal(200);
    expect(board.body.agents.find((a: any) => a.agentId === d.agents[0]!.id)).to.include({
      load: 1,
      capacity: 2,
      state: 'busy',
    });
    const agent = await tk.request(
      'GET',
      '/api/v1/plugins/acd/scoreboard',
      undefined,
      d.agents[0]!.token,
    );
    expect(agent.status).to.equal(403);
  });

  it('pushes queue position and estimated wait to waiting visitors, and the scoreboard to staff', async () => {
    const d = await desk(tk, [{ capacity: 1 }], { averageHandleTimeMs: 60_000 });
    const events: any[] = [];
    const sub = (tk.kernel as Bus).events.subscribe('realtime.plugin', (p) => events.push(p));
    try {
      await chat(tk, d.embedKey);
      const first = await chat(tk, d.embedKey);
      await tk.clock.advance(10);
      const second = await chat(tk, d.embedKey);
      await ticksUntil(
        tk,
        async () => events.filter((e) => e.event.type === 'plugin.acd.queue').length >= 2,
        'queue pushes',
      );
      const queue = events.filter((e) => e.event.type === 'plugin.acd.queue');
      expect(queue.find((e) => e.to.visitorId === first.visitorId).event).to.include({
        conversationId: first.conversationId,
        position: 1,
        estimatedWaitMs: 60_000,
      });
      expect(queue.find((e) => e.to.visitorId === second.visitorId).event).to.include({
        position: 2,
        estimatedWaitMs: 120_000,
      });
      const board = events.find(
        (e) => e.event.type === 'plugin.acd.scoreboard' && e.tenantId === d.tenantId,
      );
      expect(board.to).to.deep.equal({ staff: true });
      expect(board.event.queues).to.deep.equal([
        { queue: 'any', length: 2, oldestWaitMs: board.event.queues[0].oldestWaitMs },
      ]);
      // Unchanged figures are not pushed again.
      const before = events.length;
      await tick(tk);
      expect(events.filter((e) => e.tenantId === d.tenantId).length).to.be.at.most(before);
    } finally {
      sub.dispose();
    }
  });

  it('lets another plugin add a score term through the ACD’s own hook', async () => {
    const service = (
      tk.kernel as { container: { get<T>(t: symbol): T } }
    ).container.get<AcdService>(AcdService);
    const d = await desk(tk, [{}, { skills: ['german'] }]);
    const favoured = d.agents[1]!.id;
    const tap = service.hooks.score.tap('language', (candidate) =>
      candidate.skills.includes('german') ? 10 : undefined,
    );
    try {
      const c = await chat(tk, d.embedKey);
      const res = await tk.request(
        'GET',
        `/api/v1/plugins/acd/decisions?conversationId=${c.conversationId}`,
        undefined,
        d.adminToken,
      );
      expect(res.body.decisions[0]).to.include({ agentId: favoured, rule: 'score' });
      expect(res.body.decisions[0].candidates[0].score).to.equal(10);
    } finally {
      tap.dispose();
    }
  });
});
