import { expect } from 'chai';
import type { ChatRequest } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import { clearJournal, phase } from './support/journal.js';
import { bootKernel, kernelOf, pluginInfo, setEnabled } from './support/kernel.js';
import { candidates, routingRequest } from './support/routing.js';

const chatRequest = {
  tenantId: 't1',
  siteId: 's1',
  visitor: { id: 'v1' },
  target: { kind: 'any' },
  departmentId: null,
  priority: 0,
  prechat: {},
} as unknown as ChatRequest;

describe('Activation events', () => {
  let tk: TestKernel;
  const select = () => kernelOf(tk).hooks.routing.select.call(candidates('a1'), routingRequest());

  beforeEach(async () => {
    clearJournal();
    tk = await bootKernel(['lazy-route', 'lazy-hook', 'lazy-conversation', 'recorder-solo']);
  });
  afterEach(() => tk.stop());

  it('leave lazy plugins inactive at startup, and report them so', async () => {
    expect(phase('setup')).to.deep.equal(['recorder-solo']);
    const res = await tk.request('GET', '/api/v1/plugins');
    const states = Object.fromEntries(
      res.body.plugins.map((p: { id: string; state: string }) => [p.id, p.state]),
    );
    expect(states).to.deep.equal({
      'lazy-route': 'inactive',
      'lazy-hook': 'inactive',
      'lazy-conversation': 'inactive',
      'recorder-solo': 'active',
    });
    expect((await pluginInfo(tk, 'lazy-hook')).activationEvents).to.deep.equal([
      'onHook:routing.select',
    ]);
  });

  it('onRoute: activates the plugin on the first request under its prefix, and serves that request', async () => {
    const res = await tk.request('GET', '/api/v1/plugins/lazy-route/hello');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ hello: 'from a lazy plugin' });
    expect((await pluginInfo(tk, 'lazy-route')).state).to.equal('active');
    expect(phase('setup')).to.deep.equal(['recorder-solo', 'lazy-route']);
  });

  it('onRoute: activates the plugin on a request under any prefix it declares, even one it serves nothing on', async () => {
    const res = await tk.request('GET', '/api/v1/lazy-preview/anything');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('ROUTE_NOT_FOUND');
    expect((await pluginInfo(tk, 'lazy-route')).state).to.equal('active');
  });

  it('onRoute: sets the plugin up once, however many first requests race', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => tk.request('GET', '/api/v1/plugins/lazy-route/hello')),
    );
    expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(phase('setup').filter((id) => id === 'lazy-route')).to.have.length(1);
  });

  it('onHook: activates the plugin before the hook’s first call, in time to answer it', async () => {
    const selection = await select();
    expect(selection).to.deep.equal({
      agentId: 'a1',
      reason: 'lazy-hook answered its first call',
    });
    expect((await pluginInfo(tk, 'lazy-hook')).state).to.equal('active');
    expect(phase('setup')).to.deep.equal(['recorder-solo', 'lazy-hook']);
    await select();
    expect(phase('setup').filter((id) => id === 'lazy-hook')).to.have.length(1);
  });

  it('onConversation: activates the plugin before the first chat request, in time to decide it', async () => {
    const decision = await kernelOf(tk).hooks.session.chatRequested.call(chatRequest);
    expect(decision).to.deep.equal({
      action: 'refuse',
      reason: 'lazy-conversation refuses every chat',
    });
    expect((await pluginInfo(tk, 'lazy-conversation')).state).to.equal('active');
  });

  it('leave a lazy plugin out once an administrator disabled it, even when its event comes', async () => {
    await setEnabled(tk, 'lazy-hook', false);
    expect(await select()).to.equal(undefined);
    expect((await pluginInfo(tk, 'lazy-hook')).state).to.equal('disabled');
    expect(phase('setup')).to.deep.equal(['recorder-solo']);
  });

  it('arm a lazy plugin again when it is re-enabled before its event came', async () => {
    await setEnabled(tk, 'lazy-hook', false);
    await setEnabled(tk, 'lazy-hook', true);
    expect((await pluginInfo(tk, 'lazy-hook')).state).to.equal('inactive');
    expect((await select())?.reason).to.equal('lazy-hook answered its first call');
    expect(phase('setup')).to.deep.equal(['recorder-solo', 'lazy-hook']);
  });
});
