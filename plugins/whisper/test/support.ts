import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { accountsTestConfig, createUser } from '../../../core/test/support/accounts.js';
import { setupDesk, visitorWithChat, type Desk } from '../../../core/test/support/chat.js';

export { RawSocket, sleep, type ServerFrame } from '../../../core/test/support/raw-socket.js';
export { expectedDialect } from '../../../core/test/support/kernel.js';

export const pluginDir = fileURLToPath(new URL('..', import.meta.url));
export const BASE = '/api/v1/plugins/whisper';

/** A kernel with the whisper plugin, cheap logins. */
export function boot(): Promise<TestKernel> {
  return createTestKernel({ plugins: [pluginDir], config: accountsTestConfig });
}

/** A user as the tests hold them. */
export interface Staff {
  readonly id: string;
  readonly token: string;
  readonly name: string;
}

/** A desk (admin, two online agents) plus a supervisor. */
export interface WhisperDesk extends Desk {
  readonly supervisor: Staff;
}

export async function whisperDesk(tk: TestKernel, supervisorName = 'Sue Supervisor') {
  const desk = await setupDesk(tk, 2);
  const sup = await createUser(tk, desk.admin.token, { role: 'supervisor', name: supervisorName });
  return { ...desk, supervisor: { id: sup.id, token: sup.token, name: supervisorName } };
}

/** A visitor whose chat `agent` picked: an active conversation assigned to them. */
export async function activeChat(tk: TestKernel, desk: Desk, agent: { token: string }) {
  const visitor = await visitorWithChat(tk, desk.embedKey);
  await ok(
    tk,
    200,
    'POST',
    `/api/v1/conversations/${visitor.conversationId}/pick`,
    {},
    agent.token,
  );
  return visitor;
}

/** Sends a request and asserts its status; answers the body. */
export async function ok(
  tk: TestKernel,
  status: number,
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<any> {
  const res = await tk.request(method, path, body, token);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(status);
  return res.body;
}

/** Posts a whisper; answers the raw response. */
export function whisper(
  tk: TestKernel,
  conversationId: string,
  body: unknown,
  token: string | null,
) {
  return tk.request('POST', `${BASE}/conversations/${conversationId}/whispers`, body, token);
}
