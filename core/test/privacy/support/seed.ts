import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Principal, Role } from '@switchboard/sdk';
import type { TestKernel } from '@switchboard/sdk/testing';
import { kernelOf } from '../../support/kernel.js';

// Writes chat data straight into the core tables (and the visitor-notes fixture's tables), the way
// the chat services will once they exist, so the privacy suites can run on their own.

export const DAY = 86_400_000;

export function id(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

export interface Tenant {
  readonly tenantId: string;
  readonly siteId: string;
}

export async function seedTenant(
  tk: TestKernel,
  settings: Record<string, unknown> = {},
): Promise<Tenant> {
  const tenantId = id('ten');
  const siteId = id('sit');
  const now = tk.clock.now();
  await tk.knex('core_tenants').insert({
    id: tenantId,
    name: `Tenant ${tenantId}`,
    settings: JSON.stringify(settings),
    created_at: now,
  });
  await tk.knex('core_sites').insert({
    id: siteId,
    tenant_id: tenantId,
    name: 'Site',
    embed_key: randomBytes(16).toString('hex'),
    created_at: now,
  });
  return { tenantId, siteId };
}

export async function seedVisitor(
  tk: TestKernel,
  tenant: Tenant,
  fields: { name?: string; email?: string; lastSeenAt?: number } = {},
): Promise<string> {
  const visitorId = id('vis');
  const now = tk.clock.now();
  await tk.knex('core_visitors').insert({
    id: visitorId,
    tenant_id: tenant.tenantId,
    site_id: tenant.siteId,
    cookie_id: randomBytes(16).toString('hex'),
    name: fields.name ?? null,
    email: fields.email ?? null,
    location: JSON.stringify({ country: 'NL', city: 'Utrecht' }),
    custom_data: JSON.stringify({ plan: 'gold' }),
    last_seen_at: fields.lastSeenAt ?? now,
    created_at: Math.min(fields.lastSeenAt ?? now, now),
  });
  return visitorId;
}

export interface MessageSeed {
  readonly author: 'visitor' | 'agent' | 'system';
  readonly body: string;
  readonly visibility?: 'public' | 'internal';
  readonly authorName?: string;
  readonly attachment?: { id: string; filename: string; contentType: string; size: number };
}

/** A conversation with messages (visitor seqs counted over public ones only). */
export async function seedConversation(
  tk: TestKernel,
  tenant: Tenant,
  visitorId: string,
  options: {
    agentId?: string;
    createdAt?: number;
    endedAt?: number | null;
    messages?: readonly MessageSeed[];
  } = {},
): Promise<{ conversationId: string; messageIds: string[] }> {
  const conversationId = id('cnv');
  const createdAt = options.createdAt ?? tk.clock.now();
  const endedAt = options.endedAt ?? null;
  const messages = options.messages ?? [];
  let seq = 0;
  let visitorSeq = 0;
  const rows = messages.map((m) => {
    seq++;
    const visibility = m.visibility ?? 'public';
    const vseq = visibility === 'public' ? ++visitorSeq : null;
    const authorId =
      m.author === 'visitor'
        ? visitorId
        : m.author === 'agent'
          ? (options.agentId ?? 'usr_agent')
          : null;
    return {
      id: id('msg'),
      tenant_id: tenant.tenantId,
      conversation_id: conversationId,
      seq,
      visitor_seq: vseq,
      author_kind: m.author,
      author_id: authorId,
      kind: m.attachment ? 'file' : 'text',
      visibility,
      body: m.body,
      metadata: JSON.stringify({
        ...(m.authorName ? { authorName: m.authorName } : {}),
        ...(m.attachment ? { attachment: m.attachment } : {}),
      }),
      created_at: createdAt + seq * 1000,
    };
  });
  await tk.knex('core_conversations').insert({
    id: conversationId,
    tenant_id: tenant.tenantId,
    site_id: tenant.siteId,
    visitor_id: visitorId,
    state: endedAt === null ? 'active' : 'ended',
    assigned_agent_id: options.agentId ?? null,
    last_seq: seq,
    last_visitor_seq: visitorSeq,
    created_at: createdAt,
    updated_at: endedAt ?? createdAt,
    ended_at: endedAt,
    ended_by: endedAt === null ? null : 'agent',
  });
  if (rows.length > 0) await tk.knex('core_messages').insert(rows);
  return { conversationId, messageIds: rows.map((r) => r.id) };
}

/** An attachment row and its file in the kernel's attachment store; returns the file's path. */
export async function seedAttachment(
  tk: TestKernel,
  tenant: Tenant,
  conversationId: string,
  fields: {
    id?: string;
    messageId?: string | null;
    filename: string;
    visibility?: 'public' | 'internal';
    uploadedBy?: 'visitor' | 'agent';
  },
): Promise<{ attachmentId: string; path: string }> {
  const bytes = Buffer.from(`bytes of ${fields.filename}`);
  const key = await kernelOf(tk).chat.attachments.put(tenant.tenantId, bytes);
  const attachmentId = fields.id ?? id('att');
  await tk.knex('core_attachments').insert({
    id: attachmentId,
    tenant_id: tenant.tenantId,
    conversation_id: conversationId,
    message_id: fields.messageId ?? null,
    filename: fields.filename,
    content_type: 'text/plain',
    size: bytes.length,
    storage_key: key,
    visibility: fields.visibility ?? 'public',
    uploaded_by_kind: fields.uploadedBy ?? 'visitor',
    created_at: tk.clock.now(),
  });
  return { attachmentId, path: join(tk.dataDir, 'attachments', tenant.tenantId, key) };
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

export async function seedPageView(
  tk: TestKernel,
  tenant: Tenant,
  visitorId: string,
  url: string,
  at = tk.clock.now(),
): Promise<void> {
  await tk.knex('core_page_views').insert({
    id: id('pgv'),
    tenant_id: tenant.tenantId,
    visitor_id: visitorId,
    url,
    title: 'Pricing',
    viewed_at: at,
  });
}

export async function seedVisitorToken(
  tk: TestKernel,
  tenant: Tenant,
  visitorId: string,
): Promise<string> {
  const tokenId = id('tok');
  await tk.knex('core_auth_tokens').insert({
    id: tokenId,
    token_hash: randomBytes(32).toString('hex'),
    kind: 'visitor',
    tenant_id: tenant.tenantId,
    visitor_id: visitorId,
    site_id: tenant.siteId,
    created_at: tk.clock.now(),
    expires_at: tk.clock.now() + DAY,
  });
  return tokenId;
}

/** A row in the fixture plugin's `visitor_notes_notes` (declared as "notes"). */
export async function seedNote(
  tk: TestKernel,
  tenant: Tenant,
  visitorId: string,
  body: string,
  at = tk.clock.now(),
): Promise<void> {
  await tk.knex('visitor_notes_notes').insert({
    id: id('note'),
    tenant_id: tenant.tenantId,
    visitor_id: visitorId,
    body,
    created_at: at,
  });
}

/** A row in the fixture plugin's `visitor_notes_tags` (declared by its full name). */
export async function seedTag(tk: TestKernel, visitorId: string, tag: string): Promise<void> {
  await tk.knex('visitor_notes_tags').insert({ visitor_ref: visitorId, tag });
}

export async function countWhere(
  tk: TestKernel,
  table: string,
  where: Record<string, unknown>,
): Promise<number> {
  const row = (await tk.knex(table).where(where).count({ n: '*' }).first()) as { n: unknown };
  return Number(row.n);
}

/** A console user of `tenantId` with the permissions of `role` (no login needed). */
export function userPrincipal(tk: TestKernel, tenantId: string, role: Role = 'admin'): Principal {
  return {
    kind: 'user',
    userId: id('usr'),
    tenantId,
    role,
    permissions: kernelOf(tk).chat.policy.permissionsOf(role, tenantId),
  };
}

/** A visitor session of `visitorId`. */
export function visitorPrincipal(tk: TestKernel, tenant: Tenant, visitorId: string): Principal {
  return {
    kind: 'visitor',
    visitorId,
    tenantId: tenant.tenantId,
    siteId: tenant.siteId,
    permissions: kernelOf(tk).chat.policy.visitorPermissions(),
  };
}

/**
 * Calls an operation as `principal` through the registry both transports use; resolves with the
 * answer, or with `{ error: { status, code, message } }` for a domain error.
 */
export async function invoke(
  tk: TestKernel,
  principal: Principal,
  name: string,
  input: Record<string, unknown>,
): Promise<unknown> {
  try {
    return await kernelOf(tk).chat.registry.invoke(principal, name, input, {
      ip: '127.0.0.1',
      origin: null,
      connectionId: null,
      transport: 'http',
    });
  } catch (error) {
    const e = error as { status?: number; code?: string; message: string };
    if (typeof e.status !== 'number') throw error;
    return { error: { status: e.status, code: e.code, message: e.message } };
  }
}
