import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { HookBudget } from '@switchboard/core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel, kernelOf, pluginInfo, setEnabled, waitFor } from './support/kernel.js';
import { candidates, routingRequest, type Fault } from './support/routing.js';

// fixtures/faulty taps routing.enqueue (series), routing.select (bail) and routing.candidates
// (waterfall) and misbehaves as each request's `fault` says; fixtures/steady taps the same hooks
// before (EARLY) and after (LATE) it and behaves.

describe('A tap that throws or never settles', () => {
  let tk: TestKernel;
  const hooks = () => kernelOf(tk).hooks.routing;
  const select = (fault?: Fault) => {
    const request = routingRequest(fault);
    return hooks()
      .select.call(candidates('a1', 'a2'), request)
      .then((selection) => ({ selection, trail: request.trail }));
  };
  const scores = async (fault?: Fault) => {
    const list = await hooks().candidates.call(candidates('a1'), routingRequest(fault));
    return list.map((c) => c.scores);
  };

  before(async () => {
    tk = await bootKernel(['faulty', 'steady'], { config: { faults: { threshold: 1000 } } });
  });
  after(() => tk.stop());

  it('a series hook runs the remaining taps and completes when one throws', async () => {
    for (const fault of ['throw', 'reject', 'throw-string'] as const) {
      const request = routingRequest(fault);
      expect(await hooks().enqueue.call(request)).to.equal(undefined);
      expect(request.trail, fault).to.deep.equal(['faulty', 'steady']);
    }
  });

  it('a bail hook moves on to the next tap when one throws or rejects', async () => {
    for (const fault of ['throw', 'reject'] as const) {
      expect(await select(fault)).to.deep.equal({
        selection: { agentId: 'a1', reason: 'steady picks the first candidate' },
        trail: ['faulty', 'steady'],
      });
    }
  });

  it('a waterfall hook keeps the value it had when a tap throws or rejects', async () => {
    expect(await scores()).to.deep.equal([{ early: 1, faulty: 1, late: 1 }]);
    expect(await scores('throw')).to.deep.equal([{ early: 1, late: 1 }]);
    expect(await scores('reject')).to.deep.equal([{ early: 1, late: 1 }]);
  });

  it('a bail hook moves on once a tap overruns its budget (routing.select, 200 ms)', async () => {
    expect(HookBudget.ROUTE).to.equal(200);
    const started = performance.now();
    const outcome = await select('hang');
    const elapsed = performance.now() - started;
    expect(outcome.selection?.agentId).to.equal('a1');
    expect(outcome.trail).to.deep.equal(['faulty', 'steady']);
    expect(elapsed).to.be.within(HookBudget.ROUTE - 10, HookBudget.ROUTE + 1000);
  });

  it('a waterfall hook keeps its value once a tap overruns its budget (routing.candidates)', async () => {
    expect(await scores('hang')).to.deep.equal([{ early: 1, late: 1 }]);
  });

  it('a series hook completes once a tap overruns its budget (routing.enqueue, 2 s)', async function () {
    this.timeout(HookBudget.NOTIFY + 3000);
    const request = routingRequest('hang');
    const started = performance.now();
    expect(await hooks().enqueue.call(request)).to.equal(undefined);
    expect(performance.now() - started).to.be.at.least(HookBudget.NOTIFY - 10);
    expect(request.trail).to.deep.equal(['faulty', 'steady']);
  });

  it('counts every fault against the plugin, naming the hook, on GET /api/v1/plugins/:id', async () => {
    const before = (await pluginInfo(tk, 'faulty')).faults;
    await select('throw');
    await select('hang');
    const info = await pluginInfo(tk, 'faulty');
    expect(info.state).to.equal('active');
    expect(info.faults.errors).to.equal(before.errors + 1);
    expect(info.faults.timeouts).to.equal(before.timeouts + 1);
    expect(info.faults.lastFault).to.include({ hook: 'routing.select', kind: 'timeout' });
    expect(info.faults.lastFault?.message).to.equal(
      'Plugin "faulty" overran the time budget of hook routing.select',
    );
    await select('throw-string');
    expect((await pluginInfo(tk, 'faulty')).faults.lastFault?.message).to.equal(
      'Plugin "faulty" threw in hook routing.select: a bare string',
    );
    expect((await pluginInfo(tk, 'steady')).faults).to.include({ errors: 0, timeouts: 0 });
  });

  it('leaves the server serving requests', async () => {
    const health = await tk.request('GET', '/api/v1/health', undefined, null);
    expect(health.status).to.equal(200);
  });
});

describe('Quarantine', () => {
  let tk: TestKernel;
  const select = async (fault?: Fault) => {
    const request = routingRequest(fault);
    const selection = await kernelOf(tk).hooks.routing.select.call(candidates('a1'), request);
    return { selection, trail: request.trail };
  };
  const quarantined = async () => (await pluginInfo(tk, 'faulty')).state === 'quarantined';

  beforeEach(async () => {
    tk = await bootKernel(['faulty', 'steady'], { config: { faults: { threshold: 3 } } });
  });
  afterEach(() => tk.stop());

  it('takes a plugin out of service once its faults reach faults.threshold, and says why on GET /api/v1/plugins', async () => {
    await select('throw');
    await select('throw');
    expect((await pluginInfo(tk, 'faulty')).state).to.equal('active');
    await select('throw');
    await waitFor(quarantined, 'faulty to be quarantined');
    const res = await tk.request('GET', '/api/v1/plugins');
    const faulty = res.body.plugins.find((p: { id: string }) => p.id === 'faulty');
    expect(faulty.state).to.equal('quarantined');
    expect(faulty.reason).to.contain('3 faults within 60 s');
    expect(faulty.reason).to.contain('Plugin "faulty" threw in hook routing.select');
    expect(faulty.reason).to.contain('PUT /api/v1/plugins/faulty/state {"enabled":true}');
    expect(faulty.faults.errors).to.equal(3);
    // Its taps are gone; the hook answers through the others.
    const after = await select('throw');
    expect(after.trail).to.deep.equal(['steady']);
    expect(after.selection?.agentId).to.equal('a1');
  });

  it('takes a plugin out of service when its taps keep overrunning their budget', async () => {
    await Promise.all([select('hang'), select('hang'), select('hang')]);
    await waitFor(quarantined, 'faulty to be quarantined');
    const info = await pluginInfo(tk, 'faulty');
    expect(info.faults.timeouts).to.equal(3);
    expect(info.reason).to.contain('overran the time budget of hook routing.select');
  });

  it('puts the taps back when an administrator re-enables the plugin, with a fresh fault count', async () => {
    for (let i = 0; i < 3; i++) await select('throw');
    await waitFor(quarantined, 'faulty to be quarantined');
    const info = await setEnabled(tk, 'faulty', true);
    expect(info).to.include({ state: 'active', reason: null });
    expect((await select()).trail).to.deep.equal(['faulty', 'steady']);
    await select('throw');
    await select('throw');
    expect((await pluginInfo(tk, 'faulty')).state).to.equal('active');
  });
});
