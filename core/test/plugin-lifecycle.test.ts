import { expect } from 'chai';
import type { PluginInfo } from '@switchboard/core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { clearJournal, journal, phase } from './support/journal.js';
import { bootKernel, kernelOf, pluginInfo } from './support/kernel.js';
import { routingRequest } from './support/routing.js';

describe('Plugin lifecycle', () => {
  describe('in dependency order', () => {
    let tk: TestKernel;

    before(async () => {
      clearJournal();
      // Config order puts each dependant before what it depends on.
      tk = await bootKernel(['recorder-top', 'recorder-solo', 'recorder-middle', 'recorder-base']);
    });
    after(() => tk.stop());

    it('sets plugins up after their dependencies, keeping config order otherwise', () => {
      expect(phase('setup')).to.deep.equal([
        'recorder-base',
        'recorder-middle',
        'recorder-top',
        'recorder-solo',
      ]);
    });

    it('starts plugins in the same order, once every plugin is set up', () => {
      expect(phase('start')).to.deep.equal(phase('setup'));
      const entries = journal();
      const lastSetup = entries.findLastIndex((e) => e.endsWith(':setup'));
      const firstStart = entries.findIndex((e) => e.endsWith(':start'));
      expect(firstStart, entries.join(', ')).to.be.greaterThan(lastSetup);
    });

    it('lists the plugins in load order, each active with its dependencies', async () => {
      const res = await tk.request<{ plugins: PluginInfo[] }>('GET', '/api/v1/plugins');
      expect(res.status).to.equal(200);
      expect(res.body.plugins.map((p) => [p.id, p.state, p.dependencies.join(',')])).to.deep.equal([
        ['recorder-base', 'active', ''],
        ['recorder-middle', 'active', 'recorder-base'],
        ['recorder-top', 'active', 'recorder-middle'],
        ['recorder-solo', 'active', ''],
      ]);
    });

    it('stops plugins in reverse order when the kernel stops', async () => {
      await tk.stop();
      expect(phase('stop')).to.deep.equal([
        'recorder-solo',
        'recorder-top',
        'recorder-middle',
        'recorder-base',
      ]);
    });
  });

  it('brings a lazy plugin up at startup when a startup plugin depends on it', async () => {
    clearJournal();
    const tk = await bootKernel(['needs-lazy-hook', 'lazy-hook']);
    try {
      expect((await pluginInfo(tk, 'lazy-hook')).state).to.equal('active');
      expect((await pluginInfo(tk, 'needs-lazy-hook')).state).to.equal('active');
      expect(journal()).to.deep.equal([
        'lazy-hook:setup',
        'needs-lazy-hook:setup',
        'needs-lazy-hook:start',
      ]);
    } finally {
      await tk.stop();
    }
  });

  describe('with a plugin that cannot start', () => {
    it('starts the server anyway, with the broken plugin and its dependants failed and the reason given', async () => {
      clearJournal();
      const tk = await bootKernel(['after-broken', 'broken-setup', 'recorder-solo']);
      try {
        const broken = await pluginInfo(tk, 'broken-setup');
        expect(broken.state).to.equal('failed');
        expect(broken.reason).to.contain('Plugin "broken-setup" setup() failed');
        expect(broken.reason).to.contain('cannot reach the CRM');
        const dependant = await pluginInfo(tk, 'after-broken');
        expect(dependant.state).to.equal('failed');
        expect(dependant.reason).to.equal('dependency "broken-setup" is failed');
        expect((await pluginInfo(tk, 'recorder-solo')).state).to.equal('active');
        expect(phase('setup')).to.deep.equal(['recorder-solo']);
        // The route it added before throwing was undone with the rest of its registrations.
        const route = await tk.request('GET', '/api/v1/plugins/broken-setup/never');
        expect(route.status).to.equal(404);
      } finally {
        await tk.stop();
      }
    });

    it('undoes what a dependant registered in setup when its dependency then fails to start', async () => {
      clearJournal();
      const tk = await bootKernel(['after-broken-start', 'broken-start']);
      try {
        const broken = await pluginInfo(tk, 'broken-start');
        expect(broken.state).to.equal('failed');
        expect(broken.reason).to.equal(
          'Plugin "broken-start" start() failed: the queue is unreachable',
        );
        const dependant = await pluginInfo(tk, 'after-broken-start');
        expect(dependant.state).to.equal('failed');
        expect(dependant.reason).to.equal('dependency "broken-start" is failed');
        // Set up, never started, so never stopped either; its tap and route are gone.
        expect(journal()).to.deep.equal(['broken-start:setup', 'after-broken-start:setup']);
        expect(kernelOf(tk).hooks.routing.enqueue.isUsed()).to.equal(false);
        const request = routingRequest();
        await kernelOf(tk).hooks.routing.enqueue.call(request);
        expect(request.trail).to.deep.equal([]);
        expect(
          (await tk.request('GET', '/api/v1/plugins/after-broken-start/ready')).status,
        ).to.equal(404);
      } finally {
        await tk.stop();
      }
      expect(phase('stop')).to.deep.equal([]);
    });

    it('fails a plugin whose setup outlasts faults.lifecycleBudgetMs, and serves the rest', async () => {
      const tk = await bootKernel(['hung-setup', 'recorder-solo'], {
        config: { faults: { lifecycleBudgetMs: 100 } },
      });
      try {
        const hung = await pluginInfo(tk, 'hung-setup');
        expect(hung.state).to.equal('failed');
        expect(hung.reason).to.contain('Plugin "hung-setup" setup() failed');
        expect(hung.reason).to.contain('did not finish within 100 ms');
        expect((await pluginInfo(tk, 'recorder-solo')).state).to.equal('active');
        expect((await tk.request('GET', '/api/v1/health', undefined, null)).status).to.equal(200);
      } finally {
        await tk.stop();
      }
    });
  });
});
