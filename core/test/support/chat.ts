import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { createTenantWithAdmin, createUser } from './accounts.js';

/** A tenant ready to chat: an admin, two online agents and a site's embed key. */
export interface Desk {
  readonly tenantId: string;
  readonly siteId: string;
  readonly embedKey: string;
  readonly admin: { id: string; token: string };
  readonly agents: { id: string; token: string; name: string }[];
}

/** Creates a tenant with an admin and `agentCount` agents, all online. */
export async function setupDesk(tk: TestKernel, agentCount = 2, capacity = 3): Promise<Desk> {
  const tenant = await createTenantWithAdmin(tk);
  const agents: Desk['agents'] = [];
  for (let i = 0; i < agentCount; i++) {
    const name = `Agent ${i + 1}`;
    const user = await createUser(tk, tenant.admin.token, { role: 'agent', name, capacity });
    const res = await tk.request('POST', '/api/v1/presence', { presence: 'online' }, user.token);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    agents.push({ id: user.id, token: user.token, name });
  }
  return {
    tenantId: tenant.tenantId,
    siteId: tenant.siteId,
    embedKey: tenant.embedKey,
    admin: { id: tenant.admin.id, token: tenant.admin.token },
    agents,
  };
}

/** A visitor session on the desk's site. */
export async function startVisitor(
  tk: TestKernel,
  embedKey: string,
  extra: Record<string, unknown> = {},
): Promise<{ token: string; visitorId: string; cookieId: string }> {
  const res = await tk.request('POST', '/api/v1/visitor/session', { embedKey, ...extra }, null);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { token: res.body.token, visitorId: res.body.visitor.id, cookieId: res.body.cookieId };
}

/** A visitor who has asked for a chat; answers the conversation id. */
export async function visitorWithChat(
  tk: TestKernel,
  embedKey: string,
): Promise<{ token: string; visitorId: string; conversationId: string }> {
  const visitor = await startVisitor(tk, embedKey);
  const res = await tk.request('POST', '/api/v1/conversations', {}, visitor.token);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { ...visitor, conversationId: res.body.conversation.id };
}

/** Sends a message over REST and asserts it was stored. */
export async function send(
  tk: TestKernel,
  token: string,
  conversationId: string,
  body: string,
  extra: Record<string, unknown> = {},
): Promise<any> {
  const res = await tk.request(
    'POST',
    `/api/v1/conversations/${conversationId}/messages`,
    { body, ...extra },
    token,
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.message;
}
