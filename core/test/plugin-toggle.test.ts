import { expect } from 'chai';
import type { UiContribution } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel, kernelOf, pluginInfo, setEnabled } from './support/kernel.js';
import { candidates, routingRequest } from './support/routing.js';

// fixtures/toggle taps routing.select, serves GET /ping, contributes a conversation.sidebar
// panel, answers "toggle.ping" events with "toggle.pong", publishes "toggle.reminder" once after
// 5 s and "toggle.tick" every second (both on ctx.clock).

describe('Disabling a plugin at run time', () => {
  let tk: TestKernel;
  const selectTrail = async () => {
    const request = routingRequest();
    await kernelOf(tk).hooks.routing.select.call(candidates('a1'), request);
    return request.trail;
  };
  const sidebar = async () => {
    const res = await tk.request<{ contributions: UiContribution[] }>(
      'GET',
      '/api/v1/ui/contributions?surface=console',
    );
    return res.body.contributions.filter((c) => c.pluginId === 'toggle');
  };
  /** Collects the payloads published on `topic` from now on. */
  const heard = (topic: string) => {
    const payloads: unknown[] = [];
    kernelOf(tk).events.subscribe(topic, (payload) => {
      payloads.push(payload);
    });
    return payloads;
  };

  beforeEach(async () => {
    tk = await bootKernel(['toggle']);
  });
  afterEach(() => tk.stop());

  it('reports the plugin disabled by an administrator, and stores the decision', async () => {
    const info = await setEnabled(tk, 'toggle', false);
    expect(info).to.include({ id: 'toggle', state: 'disabled' });
    expect(info.reason).to.equal('disabled by an administrator');
    const row = await tk.knex('core_plugin_states').where({ plugin_id: 'toggle' }).first();
    expect(Boolean(row.enabled)).to.equal(false);
    expect(row.changed_by).to.equal('system');
    const enabled = await setEnabled(tk, 'toggle', true);
    expect(enabled).to.include({ state: 'active', reason: null });
    const after = await tk.knex('core_plugin_states').where({ plugin_id: 'toggle' }).first();
    expect(Boolean(after.enabled)).to.equal(true);
  });

  it('removes its taps, and enabling it again puts them back once', async () => {
    expect(await selectTrail()).to.deep.equal(['toggle']);
    expect(kernelOf(tk).hooks.routing.select.isUsed()).to.equal(true);
    await setEnabled(tk, 'toggle', false);
    expect(await selectTrail()).to.deep.equal([]);
    expect(kernelOf(tk).hooks.routing.select.isUsed()).to.equal(false);
    await setEnabled(tk, 'toggle', true);
    expect(await selectTrail()).to.deep.equal(['toggle']);
  });

  it('answers 404 on its routes, and serves them again once enabled', async () => {
    expect((await tk.request('GET', '/api/v1/plugins/toggle/ping')).body).to.deep.equal({
      pong: true,
    });
    await setEnabled(tk, 'toggle', false);
    const gone = await tk.request('GET', '/api/v1/plugins/toggle/ping');
    expect(gone.status).to.equal(404);
    expect(gone.body.error.code).to.equal('ROUTE_NOT_FOUND');
    await setEnabled(tk, 'toggle', true);
    expect((await tk.request('GET', '/api/v1/plugins/toggle/ping')).status).to.equal(200);
  });

  it('withdraws its UI contributions and stops serving their modules, until enabled again', async () => {
    const [panel] = await sidebar();
    expect(panel).to.include({
      slot: 'conversation.sidebar',
      element: 'sb-toggle-panel',
      moduleUrl: '/ui/plugins/toggle/ui/toggle-panel.js',
    });
    expect((await tk.request('GET', panel!.moduleUrl, undefined, null)).status).to.equal(200);
    await setEnabled(tk, 'toggle', false);
    expect(await sidebar()).to.deep.equal([]);
    const module = await tk.request('GET', panel!.moduleUrl, undefined, null);
    expect(module.status).to.equal(404);
    expect(module.body.error.code).to.equal('PLUGIN_NOT_FOUND');
    await setEnabled(tk, 'toggle', true);
    expect(await sidebar()).to.have.length(1);
    expect((await tk.request('GET', panel!.moduleUrl, undefined, null)).status).to.equal(200);
  });

  it('serves only the files below its declared UI module folders', async () => {
    for (const path of [
      '/ui/plugins/toggle/package.json',
      '/ui/plugins/toggle/index.js',
      '/ui/plugins/toggle/ui/..%2Fpackage.json',
      '/ui/plugins/toggle/ui/..%2F..%2Fprobe%2Findex.js',
    ]) {
      const res = await fetch(tk.url + path);
      expect(res.status, path).to.equal(404);
    }
  });

  it('cancels its timers on ctx.clock, and starts fresh ones once enabled', async () => {
    const ticks = heard('toggle.tick');
    const reminders = heard('toggle.reminder');
    // The toggle plugin holds two timers; the rest are the kernel's own (idle sweep, retention…).
    const kernelTimers = tk.clock.pendingTimers - 2;
    await tk.clock.advance(3000);
    expect(ticks).to.deep.equal([{ ticks: 1 }, { ticks: 2 }, { ticks: 3 }]);
    await setEnabled(tk, 'toggle', false);
    expect(tk.clock.pendingTimers).to.equal(kernelTimers);
    await tk.clock.advance(10_000);
    expect(ticks).to.have.length(3);
    expect(reminders).to.deep.equal([]);
    await setEnabled(tk, 'toggle', true);
    await tk.clock.advance(2000);
    expect(ticks.slice(3)).to.deep.equal([{ ticks: 1 }, { ticks: 2 }]);
  });

  it('ends its event subscriptions, and subscribes again once enabled', async () => {
    const pongs = heard('toggle.pong');
    const ping = (n: number) => kernelOf(tk).events.publish('toggle.ping', { n });
    await ping(1);
    await setEnabled(tk, 'toggle', false);
    await ping(2);
    await setEnabled(tk, 'toggle', true);
    await ping(3);
    expect(pongs).to.deep.equal([{ n: 1 }, { n: 3 }]);
  });

  it('changes nothing when an active plugin is enabled again', async () => {
    const ticks = heard('toggle.tick');
    const kernelTimers = tk.clock.pendingTimers - 2;
    await setEnabled(tk, 'toggle', true);
    expect(await selectTrail()).to.deep.equal(['toggle']);
    await tk.clock.advance(1000);
    expect(ticks).to.deep.equal([{ ticks: 1 }]);
    await setEnabled(tk, 'toggle', false);
    expect(await selectTrail()).to.deep.equal([]);
    expect(tk.clock.pendingTimers).to.equal(kernelTimers);
  });

  it('refuses a state body other than {"enabled": boolean}, and an unknown plugin', async () => {
    const bad = await tk.request('PUT', '/api/v1/plugins/toggle/state', { enabled: 'no' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('REQUEST_INVALID');
    expect(bad.body.error.message).to.contain('/enabled must be boolean');
    const unknown = await tk.request('PUT', '/api/v1/plugins/ghost/state', { enabled: false });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error).to.include({
      code: 'PLUGIN_NOT_FOUND',
      message: 'No plugin "ghost" is configured.',
    });
    expect((await pluginInfo(tk, 'toggle')).state).to.equal('active');
  });

  it('needs a token to change the state', async () => {
    const res = await tk.request('PUT', '/api/v1/plugins/toggle/state', { enabled: false }, null);
    expect(res.status).to.equal(401);
    expect((await pluginInfo(tk, 'toggle')).state).to.equal('active');
  });
});

describe('Disabling a dependency at run time', () => {
  let tk: TestKernel;
  const greeting = () => tk.request('GET', '/api/v1/plugins/dep-child/greeting');

  beforeEach(async () => {
    tk = await bootKernel(['dep-child', 'dep-base']);
  });
  afterEach(() => tk.stop());

  it('disables its dependants too, naming the dependency', async () => {
    expect((await greeting()).body).to.deep.equal({ text: 'Hello, dep-child!' });
    await setEnabled(tk, 'dep-base', false);
    const child = await pluginInfo(tk, 'dep-child');
    expect(child.state).to.equal('disabled');
    expect(child.reason).to.equal('dependency "dep-base" is disabled');
    expect((await greeting()).status).to.equal(404);
    expect((await tk.request('GET', '/api/v1/plugins/dep-base/status')).status).to.equal(404);
  });

  it('restores its dependants when it is enabled again, with its service exposed anew', async () => {
    await setEnabled(tk, 'dep-base', false);
    await setEnabled(tk, 'dep-base', true);
    expect((await pluginInfo(tk, 'dep-child')).state).to.equal('active');
    expect((await greeting()).body).to.deep.equal({ text: 'Hello, dep-child!' });
  });

  it('keeps a dependant the administrator disabled out when the dependency returns', async () => {
    await setEnabled(tk, 'dep-child', false);
    await setEnabled(tk, 'dep-base', false);
    await setEnabled(tk, 'dep-base', true);
    const child = await pluginInfo(tk, 'dep-child');
    expect(child.state).to.equal('disabled');
    expect(child.reason).to.equal('disabled by an administrator');
  });

  it('leaves the dependency running when only the dependant is disabled', async () => {
    await setEnabled(tk, 'dep-child', false);
    expect((await pluginInfo(tk, 'dep-base')).state).to.equal('active');
    expect((await tk.request('GET', '/api/v1/plugins/dep-base/status')).status).to.equal(200);
  });

  it('cannot enable a dependant while its dependency is disabled, and brings it up with the dependency', async () => {
    await setEnabled(tk, 'dep-base', false);
    await setEnabled(tk, 'dep-child', false);
    const child = await setEnabled(tk, 'dep-child', true);
    expect(child.state).to.equal('disabled');
    expect(child.reason).to.equal('dependency "dep-base" is disabled');
    await setEnabled(tk, 'dep-base', true);
    expect((await pluginInfo(tk, 'dep-child')).state).to.equal('active');
  });
});
