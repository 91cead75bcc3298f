import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { expect } from 'chai';
import { WebSocket } from 'ws';
import {
  createTestKernel,
  type TestKernel,
  type TestKernelOptions,
} from '@switchboard/sdk/testing';

export const pluginDir = fileURLToPath(new URL('..', import.meta.url));

/** Cheap password hashing and no login limit: suites create many agents. */
export const testConfig = {
  auth: { scryptLog2N: 12, loginPerMinute: 100_000, visitorSessionsPerMinute: 100_000 },
};

export function boot(options: Omit<TestKernelOptions, 'plugins'> = {}): Promise<TestKernel> {
  return createTestKernel({
    ...options,
    config: { ...testConfig, ...options.config },
    plugins: [pluginDir],
  });
}

export interface Agent {
  readonly id: string;
  readonly token: string;
  readonly name: string;
}

export interface Desk {
  readonly tenantId: string;
  readonly embedKey: string;
  readonly adminToken: string;
  readonly agents: Agent[];
}

export interface AgentSpec {
  readonly name?: string;
  readonly capacity?: number;
  readonly skills?: string[];
  readonly groups?: string[];
  readonly online?: boolean;
}

async function ok(pending: Promise<{ status: number; body: any }>, status: number, what: string) {
  const res = await pending;
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
  return res.body;
}

/** A tenant with an admin, its ACD settings, and the agents asked for (online unless told). */
export async function desk(
  tk: TestKernel,
  specs: readonly AgentSpec[],
  settings: Record<string, unknown> = {},
): Promise<Desk> {
  const tenant = await ok(
    tk.request('POST', '/api/v1/tenants', { name: 'ACD tenant' }),
    201,
    'tenant',
  );
  const site = await ok(
    tk.request('POST', '/api/v1/sites', { tenantId: tenant.id, name: 'Site' }),
    201,
    'site',
  );
  const adminToken = await user(tk, tenant.id, { role: 'admin', name: 'Admin' }).then(
    (u) => u.token,
  );
  if (Object.keys(settings).length > 0) {
    await ok(
      tk.request('PUT', `/api/v1/plugins/acd/settings?tenant=${tenant.id}`, settings),
      200,
      'settings',
    );
  }
  const agents: Agent[] = [];
  for (const [i, spec] of specs.entries()) {
    const name = spec.name ?? `Agent ${String(i + 1).padStart(3, '0')}`;
    const u = await user(tk, tenant.id, {
      role: 'agent',
      name,
      capacity: spec.capacity ?? 1,
      skills: spec.skills ?? [],
      groups: spec.groups ?? [],
    });
    agents.push({ id: u.id, token: u.token, name });
  }
  for (const [i, spec] of specs.entries()) {
    if (spec.online !== false) await presence(tk, agents[i]!, 'online');
  }
  return { tenantId: tenant.id, embedKey: site.embedKey, adminToken, agents };
}

export async function user(
  tk: TestKernel,
  tenantId: string,
  opts: { role: string; name: string; capacity?: number; skills?: string[]; groups?: string[] },
): Promise<Agent> {
  const email = `u-${randomBytes(6).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const created = await ok(
    tk.request('POST', '/api/v1/users', { tenantId, email, password, ...opts }),
    201,
    'user',
  );
  const login = await ok(
    tk.request('POST', '/api/v1/auth/login', { email, password, tenantId }, null),
    200,
    'login',
  );
  return { id: created.id, token: login.token, name: opts.name };
}

export async function presence(tk: TestKernel, agent: Agent, state: 'online' | 'away' | 'offline') {
  await ok(
    tk.request('POST', '/api/v1/presence', { presence: state }, agent.token),
    200,
    'presence',
  );
}

/** A visitor session; `request` asks for a chat and answers the REST outcome. */
export async function visitor(tk: TestKernel, embedKey: string) {
  const res = await ok(
    tk.request('POST', '/api/v1/visitor/session', { embedKey }, null),
    201,
    'visitor',
  );
  const token = res.token as string;
  return {
    token,
    visitorId: res.visitor.id as string,
    request: (body: Record<string, unknown> = {}) =>
      tk.request('POST', '/api/v1/conversations', body, token),
  };
}

/** Asks for a chat as a new visitor; answers the conversation id (queued or assigned). */
export async function chat(tk: TestKernel, embedKey: string, body: Record<string, unknown> = {}) {
  const v = await visitor(tk, embedKey);
  const res = await ok(v.request(body), 201, 'chat request');
  return { ...v, conversationId: res.conversation.id as string, status: res.status as string };
}

export async function conversation(tk: TestKernel, id: string): Promise<any> {
  return ok(tk.request('GET', `/api/v1/conversations/${id}`), 200, 'conversation');
}

/** Polls on real time until `check` holds. */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 4000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs the ACD's one-second tick (safety pass, overflow, pushes) on the virtual clock. */
export async function tick(tk: TestKernel, ms = 1000) {
  await tk.clock.advance(ms);
  await new Promise((r) => setTimeout(r, 30));
}

/** Advances the virtual clock a second at a time (each a tick) until `check` holds. */
export async function ticksUntil(
  tk: TestKernel,
  check: () => Promise<boolean>,
  what: string,
  maxSeconds = 30,
) {
  for (let i = 0; i < maxSeconds; i++) {
    if (await check()) return;
    await tick(tk, 1000);
  }
  await waitFor(check, what);
}

/** An agent's console socket: open and past `hello`. Close it to play a closed console tab. */
export async function agentSocket(tk: TestKernel, agent: Agent): Promise<WebSocket> {
  const ws = new WebSocket(`${tk.url.replace(/^http/, 'ws')}/api/v1/ws`);
  await once(ws, 'open');
  const answered = once(ws, 'message');
  ws.send(JSON.stringify({ id: 'hello', type: 'hello', data: { token: agent.token } }));
  const [data] = (await answered) as [Buffer];
  const frame = JSON.parse(data.toString()) as { type: string };
  expect(frame.type, `hello: ${data.toString()}`).to.equal('ack');
  return ws;
}

/** The agent's presence as the tenant's admin reads it. */
export async function presenceOf(tk: TestKernel, d: Desk, agent: Agent): Promise<string> {
  const user = await ok(
    tk.request('GET', `/api/v1/users/${agent.id}`, undefined, d.adminToken),
    200,
    'user',
  );
  return user.presence as string;
}
