import { resolve } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { SwitchboardClient } from '@switchboard/sdk/client';
import {
  accountsTestConfig,
  createTenantWithAdmin,
  createUser,
} from '../../../../core/test/support/accounts.js';
import { openPage } from '../../../e2e/test/support/browser.js';

export { launchBrowser, openPage, screenshot } from '../../../e2e/test/support/browser.js';

/** The fixture plugins of the slot tests. */
export const FIXTURE_PLUGINS = ['fixture-good', 'fixture-throws', 'fixture-broken'].map((id) =>
  resolve(import.meta.dirname, '../fixtures/plugins', id),
);

/**
 * A test kernel for the console: fast logins, heartbeats far apart (the kernel's clock is
 * virtual, so none would come). Pages opened with {@link openConsolePage} share the kernel's
 * virtual time, so token expiry and message times agree between browser and server.
 */
export async function consoleKernel(plugins: readonly string[] = []): Promise<TestKernel> {
  const tk = await createTestKernel({
    plugins,
    config: { ...accountsTestConfig, realtime: { heartbeatMs: 600_000 } },
  });
  return tk;
}

export interface ConsoleDesk {
  readonly tenantId: string;
  readonly embedKey: string;
  readonly adminToken: string;
  readonly agent: { id: string; email: string; password: string; token: string; name: string };
}

/** A tenant with an admin and one agent (offline until they go online in the console). */
export async function consoleDesk(
  tk: TestKernel,
  role: 'agent' | 'supervisor' | 'admin' = 'agent',
): Promise<ConsoleDesk> {
  const tenant = await createTenantWithAdmin(tk);
  const name = 'Alice Agent';
  const user = await createUser(tk, tenant.admin.token, { role, name, capacity: 5 });
  return {
    tenantId: tenant.tenantId,
    embedKey: tenant.embedKey,
    adminToken: tenant.admin.token,
    agent: { ...user, name },
  };
}

/** A fresh context whose clock reads the kernel's virtual time (timers keep running). */
export async function openConsolePage(
  browser: Browser,
  tk: TestKernel,
  options: Parameters<typeof openPage>[1] = {},
): Promise<Awaited<ReturnType<typeof openPage>>> {
  const opened = await openPage(browser, options);
  await opened.context.clock.setSystemTime(tk.clock.now());
  return opened;
}

/** Opens the console in a fresh context and signs in. */
export async function signIn(
  browser: Browser,
  tk: TestKernel,
  email: string,
  password: string,
  path = '/console/',
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const { context, page, errors } = await openConsolePage(browser, tk);
  await page.goto(`${tk.url}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  return { page, errors, close: () => context.close() };
}

/** A visitor on the desk's site, with a live client (Node, `ws`). */
export async function startVisitor(
  tk: TestKernel,
  embedKey: string,
  extra: Record<string, unknown> = {},
): Promise<{ token: string; visitorId: string; client: SwitchboardClient }> {
  const res = await tk.request('POST', '/api/v1/visitor/session', { embedKey, ...extra }, null);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  const client = new SwitchboardClient({
    url: tk.url,
    token: res.body.token,
    WebSocket: WebSocket as any,
  });
  await client.connect();
  return { token: res.body.token, visitorId: res.body.visitor.id, client };
}

/** The visitor asks for a chat; answers the conversation id. */
export async function requestChat(
  tk: TestKernel,
  visitorToken: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await tk.request('POST', '/api/v1/conversations', extra, visitorToken);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  expect(res.body.status, JSON.stringify(res.body)).to.equal('queued');
  return res.body.conversation.id as string;
}

/** Sets a user online over REST (for tests that don't exercise the presence switch). */
export async function goOnline(tk: TestKernel, token: string): Promise<void> {
  const res = await tk.request('POST', '/api/v1/presence', { presence: 'online' }, token);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

/** The list item of a conversation in the inbox. */
export function listItem(page: Page, conversationId: string) {
  return page.locator(`sb-conversation-list button[data-conversation="${conversationId}"]`);
}

/**
 * Reads `read()` until `check` (chai assertions) passes, then answers the value; after
 * `timeoutMs` rethrows the last assertion error.
 */
export async function eventually<T>(
  read: () => Promise<T> | T,
  check: (value: T) => void,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    let value: T | undefined;
    try {
      value = await read();
      check(value);
      return value;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The text of the polite live region. */
export function announced(page: Page): Promise<string> {
  return page.locator('[data-testid=announcer]').innerText();
}

/** The tag name of the deeply focused element (through shadow roots). */
export function focusedTag(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.tagName;
  });
}

/** The message history of the conversation on screen. */
export function history(page: Page) {
  return page.locator('sb-conversation-view section.history');
}
