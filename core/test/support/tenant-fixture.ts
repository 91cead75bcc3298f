import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { createTenantWithAdmin, createUser, type TestAccount } from './accounts.js';
import { send, startVisitor } from './chat.js';

/** A visitor session of a fixture tenant. */
export interface FixtureVisitor {
  readonly token: string;
  readonly visitorId: string;
  readonly cookieId: string;
}

/**
 * A tenant with one of everything, built through the public API: an admin, a supervisor and an
 * agent (all signed in; the agent online), a site, a department, a
 * visitor whose conversation the agent picked (a visitor message, an agent reply, an internal
 * note, a public file from the visitor and an internal file from the agent), and a second
 * visitor whose chat is still waiting in the queue.
 */
export interface FixtureTenant {
  readonly label: string;
  readonly tenantId: string;
  readonly siteId: string;
  readonly embedKey: string;
  readonly admin: TestAccount;
  readonly supervisor: TestAccount;
  readonly agent: TestAccount;
  readonly departmentId: string;
  readonly visitor: FixtureVisitor;
  readonly conversationId: string;
  /** Agent-side ids of the stored messages of the conversation. */
  readonly messageIds: readonly string[];
  /** The visitor's public file. */
  readonly attachmentId: string;
  /** The agent's internal file. */
  readonly internalAttachmentId: string;
  readonly waitingVisitor: FixtureVisitor;
  readonly waitingConversationId: string;
}

/** Uploads `bytes` as an attachment of a conversation (the raw route, not an operation). */
export async function uploadFile(
  tk: TestKernel,
  token: string,
  conversationId: string,
  query: Record<string, string>,
  bytes: string | Buffer = 'file body',
): Promise<{ status: number; body: any }> {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${tk.url}/api/v1/conversations/${conversationId}/attachments?${qs}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body };
}

/** Sends a request and fails the test with the answer unless it has `status`. */
export async function expectRequest(
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

/** Builds a {@link FixtureTenant} named `label`. */
export async function createFixtureTenant(tk: TestKernel, label: string): Promise<FixtureTenant> {
  const tenant = await createTenantWithAdmin(tk, { name: `Tenant ${label}` });
  const supervisor = await createUser(tk, tenant.admin.token, { role: 'supervisor' });
  const agent = await createUser(tk, tenant.admin.token, { role: 'agent', capacity: 10 });
  // Someone must be online, or a chat request turns into an offline message. Without a routing
  // plugin nothing is assigned automatically: chats wait until picked.
  await expectRequest(tk, 200, 'POST', '/api/v1/presence', { presence: 'online' }, agent.token);
  const department = await expectRequest(
    tk,
    201,
    'POST',
    '/api/v1/departments',
    { name: `Sales ${label}` },
    tenant.admin.token,
  );
  const visitor = await startVisitor(tk, tenant.embedKey, { name: `Visitor ${label}` });
  const requested = await expectRequest(
    tk,
    201,
    'POST',
    '/api/v1/conversations',
    {},
    visitor.token,
  );
  const conversationId = requested.conversation.id as string;
  await expectRequest(
    tk,
    200,
    'POST',
    `/api/v1/conversations/${conversationId}/pick`,
    {},
    agent.token,
  );
  await send(tk, visitor.token, conversationId, `Hello from visitor ${label}`);
  await send(tk, agent.token, conversationId, `Hello from agent ${label}`);
  await send(tk, agent.token, conversationId, `Internal note ${label}`, { visibility: 'internal' });
  const publicFile = await uploadFile(tk, visitor.token, conversationId, {
    filename: `receipt-${label}.txt`,
    contentType: 'text/plain',
  });
  expect(publicFile.status, JSON.stringify(publicFile.body)).to.equal(201);
  const internalFile = await uploadFile(tk, agent.token, conversationId, {
    filename: `notes-${label}.txt`,
    contentType: 'text/plain',
    visibility: 'internal',
  });
  expect(internalFile.status, JSON.stringify(internalFile.body)).to.equal(201);
  const listed = await expectRequest(
    tk,
    200,
    'GET',
    `/api/v1/conversations/${conversationId}/messages`,
    undefined,
    agent.token,
  );
  const waitingVisitor = await startVisitor(tk, tenant.embedKey);
  const waiting = await expectRequest(
    tk,
    201,
    'POST',
    '/api/v1/conversations',
    {},
    waitingVisitor.token,
  );
  return {
    label,
    tenantId: tenant.tenantId,
    siteId: tenant.siteId,
    embedKey: tenant.embedKey,
    admin: tenant.admin,
    supervisor,
    agent,
    departmentId: department.id as string,
    visitor,
    conversationId,
    messageIds: (listed.messages as { id: string }[]).map((m) => m.id),
    attachmentId: publicFile.body.message.attachment.id as string,
    internalAttachmentId: internalFile.body.message.metadata.attachment.id as string,
    waitingVisitor,
    waitingConversationId: waiting.conversation.id as string,
  };
}

/**
 * Every id (and secret) of a fixture tenant that must never show up in another tenant's
 * answers: tenant, site, embed key, users, department, visitors, cookies, conversations,
 * messages, files and tokens.
 */
export function idsOf(t: FixtureTenant): string[] {
  return [
    t.tenantId,
    t.siteId,
    t.embedKey,
    t.admin.id,
    t.supervisor.id,
    t.agent.id,
    t.departmentId,
    t.visitor.visitorId,
    t.visitor.cookieId,
    t.conversationId,
    ...t.messageIds,
    t.attachmentId,
    t.internalAttachmentId,
    t.waitingVisitor.visitorId,
    t.waitingVisitor.cookieId,
    t.waitingConversationId,
    t.admin.token,
    t.supervisor.token,
    t.agent.token,
    t.visitor.token,
    t.waitingVisitor.token,
  ];
}

/** The ids of `ids` that occur in `value` (serialised as JSON, or as is when a string). */
export function leakedIds(value: unknown, ids: readonly string[]): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return ids.filter((id) => text.includes(id));
}

/** The chat core's tables, in dependency order. */
export const CORE_TABLES = [
  'core_tenants',
  'core_sites',
  'core_departments',
  'core_users',
  'core_auth_tokens',
  'core_visitors',
  'core_page_views',
  'core_conversations',
  'core_messages',
  'core_attachments',
  'core_audit_log',
] as const;

/** Row count and a hash of every row, per core table. */
export type TableDigest = Record<string, { rows: number; hash: string }>;

/**
 * Row counts and content hashes of the core tables: equal digests mean nothing was written,
 * updated or deleted. With `tenantId`, only that tenant's rows are taken.
 */
export async function tableDigest(tk: TestKernel, tenantId?: string): Promise<TableDigest> {
  const digest: TableDigest = {};
  for (const table of CORE_TABLES) {
    let query = tk.knex(table);
    if (tenantId !== undefined) {
      query = query.where(table === 'core_tenants' ? 'id' : 'tenant_id', tenantId);
    }
    const rows = (await query.orderBy('id')) as Record<string, unknown>[];
    const hash = createHash('sha256');
    for (const row of rows)
      hash.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    digest[table] = { rows: rows.length, hash: hash.digest('hex').slice(0, 16) };
  }
  return digest;
}

/** A well-formed id no row has: the shape `newId` gives (`<prefix>_` and 26 characters). */
export function missingId(prefix: string): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${prefix}_0000000000${random}`;
}
