import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel, waitFor } from '../support/kernel.js';
import {
  DAY,
  countWhere,
  fileExists,
  id,
  invoke,
  seedAttachment,
  seedConversation,
  seedNote,
  seedPageView,
  seedTag,
  seedTenant,
  seedVisitor,
  seedVisitorToken,
  userPrincipal,
  type Tenant,
} from './support/seed.js';

interface Run {
  tenantId: string;
  retentionDays: number;
  cutoff: number;
  tables: Record<string, number>;
  attachmentFiles: number;
}

const exists = async (tk: TestKernel, table: string, where: Record<string, unknown>) =>
  (await countWhere(tk, table, where)) > 0;

describe('Retention', () => {
  let tk: TestKernel;
  let now: number;

  beforeEach(async () => {
    tk = await bootKernel(['visitor-notes']);
    now = tk.clock.now();
  });
  afterEach(() => tk.stop());

  const ended = (tenant: Tenant, visitorId: string, daysAgo: number) =>
    seedConversation(tk, tenant, visitorId, {
      createdAt: now - daysAgo * DAY - 3600_000,
      endedAt: now - daysAgo * DAY,
      messages: [
        { author: 'visitor', body: 'hello' },
        { author: 'agent', body: 'note', visibility: 'internal' },
      ],
    });

  it('removes conversations ended before the cutoff and keeps newer and open ones', async () => {
    const a = await seedTenant(tk); // default: 396 days
    const v1 = await seedVisitor(tk, a);
    const old = await ended(a, v1, 400);
    const file = await seedAttachment(tk, a, old.conversationId, { filename: 'old.png' });
    const recent = await ended(a, v1, 100);
    const open = await seedConversation(tk, a, v1, {
      createdAt: now - 500 * DAY,
      messages: [{ author: 'visitor', body: 'still here' }],
    });
    const keptFile = await seedAttachment(tk, a, recent.conversationId, { filename: 'new.png' });
    await seedPageView(tk, a, v1, 'https://old.example/', now - 400 * DAY);
    await seedPageView(tk, a, v1, 'https://new.example/', now - DAY);
    await seedNote(tk, a, v1, 'old note', now - 400 * DAY);
    await seedNote(tk, a, v1, 'new note', now - 10 * DAY);

    const res = await tk.request('POST', '/api/v1/privacy/retention', {});
    expect(res.status).to.equal(200);
    const run = (res.body.runs as Run[]).find((r) => r.tenantId === a.tenantId)!;
    expect(run.retentionDays).to.equal(396);
    expect(run.cutoff).to.equal(now - 396 * DAY);
    expect(run.tables).to.deep.equal({
      core_messages: 2,
      core_attachments: 1,
      core_conversations: 1,
      core_page_views: 1,
      visitor_notes_notes: 1,
    });
    expect(run.attachmentFiles).to.equal(1);
    expect(res.body.failedTenants).to.deep.equal([]);

    expect(await exists(tk, 'core_conversations', { id: old.conversationId })).to.equal(false);
    expect(await countWhere(tk, 'core_messages', { conversation_id: old.conversationId })).to.equal(
      0,
    );
    expect(fileExists(file.path)).to.equal(false);
    expect(await exists(tk, 'core_conversations', { id: recent.conversationId })).to.equal(true);
    expect(
      await countWhere(tk, 'core_messages', { conversation_id: recent.conversationId }),
    ).to.equal(2);
    expect(fileExists(keptFile.path)).to.equal(true);
    expect(await exists(tk, 'core_conversations', { id: open.conversationId })).to.equal(true);
    expect(
      await countWhere(tk, 'core_messages', { conversation_id: open.conversationId }),
    ).to.equal(1);
    expect(await exists(tk, 'core_visitors', { id: v1 })).to.equal(true);
    const notes = await tk.knex('visitor_notes_notes').where({ visitor_id: v1 }).pluck('body');
    expect(notes).to.deep.equal(['new note']);
    const pages = await tk.knex('core_page_views').where({ visitor_id: v1 }).pluck('url');
    expect(pages).to.deep.equal(['https://new.example/']);
  });

  it('removes visitors last seen before the cutoff once no conversation of theirs is left', async () => {
    const a = await seedTenant(tk);
    const longAgo = now - 400 * DAY;
    const gone = await seedVisitor(tk, a, { lastSeenAt: longAgo });
    await ended(a, gone, 400);
    await seedPageView(tk, a, gone, 'https://x.example/', longAgo);
    await seedVisitorToken(tk, a, gone);
    await seedNote(tk, a, gone, 'recent note', now - DAY);
    await seedTag(tk, gone, 'churned');
    const chatting = await seedVisitor(tk, a, { lastSeenAt: longAgo });
    await seedConversation(tk, a, chatting, { createdAt: longAgo });
    const recentChat = await seedVisitor(tk, a, { lastSeenAt: longAgo });
    await ended(a, recentChat, 10);
    const fresh = await seedVisitor(tk, a, { lastSeenAt: now - DAY });

    const res = await tk.request('POST', '/api/v1/privacy/retention', { tenantId: a.tenantId });
    expect(res.status).to.equal(200);
    expect(res.body.runs).to.have.length(1);
    expect(res.body.runs[0].tables).to.deep.include({
      core_conversations: 1,
      core_visitors: 1,
      core_auth_tokens: 1,
      core_page_views: 1,
      visitor_notes_notes: 1,
      visitor_notes_tags: 1,
    });
    expect(await exists(tk, 'core_visitors', { id: gone })).to.equal(false);
    expect(await exists(tk, 'visitor_notes_tags', { visitor_ref: gone })).to.equal(false);
    for (const kept of [chatting, recentChat, fresh]) {
      expect(await exists(tk, 'core_visitors', { id: kept }), kept).to.equal(true);
    }
  });

  it("honours each tenant's retentionDays", async () => {
    const a = await seedTenant(tk);
    const b = await seedTenant(tk, { retentionDays: 30 });
    const va = await seedVisitor(tk, a);
    const vb = await seedVisitor(tk, b);
    const aOld = await ended(a, va, 40);
    const bOld = await ended(b, vb, 40);
    const bNew = await ended(b, vb, 20);

    const res = await tk.request('POST', '/api/v1/privacy/retention', {});
    const runs = res.body.runs as Run[];
    expect(runs.find((r) => r.tenantId === a.tenantId)!.retentionDays).to.equal(396);
    const runB = runs.find((r) => r.tenantId === b.tenantId)!;
    expect(runB.retentionDays).to.equal(30);
    expect(runB.tables.core_conversations).to.equal(1);
    expect(await exists(tk, 'core_conversations', { id: aOld.conversationId })).to.equal(true);
    expect(await exists(tk, 'core_conversations', { id: bOld.conversationId })).to.equal(false);
    expect(await exists(tk, 'core_conversations', { id: bNew.conversationId })).to.equal(true);

    const audit = await tk
      .knex('core_audit_log')
      .where({ action: 'retention.run', tenant_id: b.tenantId });
    expect(audit).to.have.length(1);
    const details = JSON.parse(audit[0].details);
    expect(details).to.deep.include({ retentionDays: 30, trigger: 'request', attachmentFiles: 0 });
    expect(details.tables).to.deep.equal({ core_messages: 2, core_conversations: 1 });
  });

  it("keeps a tenant user to their own tenant's pass", async () => {
    const a = await seedTenant(tk, { retentionDays: 30 });
    const b = await seedTenant(tk, { retentionDays: 30 });
    const aOld = await ended(a, await seedVisitor(tk, a), 40);
    const bOld = await ended(b, await seedVisitor(tk, b), 40);
    const admin = userPrincipal(tk, a.tenantId, 'admin');

    const report = (await invoke(tk, admin, 'privacy.runRetention', {})) as { runs: Run[] };
    expect(report.runs.map((r) => r.tenantId)).to.deep.equal([a.tenantId]);
    expect(await exists(tk, 'core_conversations', { id: aOld.conversationId })).to.equal(false);
    expect(await exists(tk, 'core_conversations', { id: bOld.conversationId })).to.equal(true);
    expect(await invoke(tk, admin, 'privacy.runRetention', { tenantId: b.tenantId })).to.deep.equal(
      {
        error: { status: 404, code: 'TENANT_NOT_FOUND', message: `No tenant "${b.tenantId}".` },
      },
    );
    expect(await exists(tk, 'core_conversations', { id: bOld.conversationId })).to.equal(true);
    const missing = await tk.request('POST', '/api/v1/privacy/retention', {
      tenantId: 'ten_missing',
    });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('TENANT_NOT_FOUND');
  });

  it('runs by itself once a day on the kernel clock', async () => {
    const a = await seedTenant(tk, { retentionDays: 30 });
    const visitor = await seedVisitor(tk, a);
    const soon = await ended(a, visitor, 29.5);
    const later = await ended(a, visitor, 15);

    await tk.clock.advance(DAY);
    await waitFor(
      async () => !(await exists(tk, 'core_conversations', { id: soon.conversationId })),
      'the daily pass to remove the conversation that crossed the cutoff',
    );
    expect(await exists(tk, 'core_conversations', { id: later.conversationId })).to.equal(true);
    await waitFor(
      async () =>
        (await countWhere(tk, 'core_audit_log', {
          action: 'retention.run',
          tenant_id: a.tenantId,
        })) === 1,
      'the audit entry of the daily pass',
    );
    const entry = await tk
      .knex('core_audit_log')
      .where({ action: 'retention.run', tenant_id: a.tenantId })
      .first();
    expect(entry.actor_kind).to.equal('system');
    expect(JSON.parse(entry.details).trigger).to.equal('schedule');
  });

  it('clears a backlog larger than one batch', async function () {
    this.timeout(60_000);
    const a = await seedTenant(tk, { retentionDays: 30 });
    const visitor = await seedVisitor(tk, a);
    const count = 1_100;
    const conversations = [];
    const messages = [];
    const notes = [];
    for (let i = 0; i < count; i++) {
      const conversationId = id('cnv');
      const at = now - 40 * DAY - i * 1000;
      conversations.push({
        id: conversationId,
        tenant_id: a.tenantId,
        site_id: a.siteId,
        visitor_id: visitor,
        state: 'ended',
        last_seq: 1,
        last_visitor_seq: 1,
        created_at: at,
        updated_at: at,
        ended_at: at,
      });
      messages.push({
        id: id('msg'),
        tenant_id: a.tenantId,
        conversation_id: conversationId,
        seq: 1,
        visitor_seq: 1,
        author_kind: 'visitor',
        author_id: visitor,
        kind: 'text',
        visibility: 'public',
        body: `message ${i}`,
        created_at: at,
      });
      // Groups of three notes share a time: batches must not stop at ties.
      notes.push({
        id: id('note'),
        tenant_id: a.tenantId,
        visitor_id: visitor,
        body: `note ${i}`,
        created_at: now - 40 * DAY - Math.floor(i / 3) * 1000,
      });
    }
    await tk.knex.batchInsert('core_conversations', conversations, 100);
    await tk.knex.batchInsert('core_messages', messages, 100);
    await tk.knex.batchInsert('visitor_notes_notes', notes, 100);
    const keep = await ended(a, visitor, 5);

    const res = await tk.request('POST', '/api/v1/privacy/retention', { tenantId: a.tenantId });
    expect(res.status).to.equal(200);
    expect(res.body.runs[0].tables).to.deep.equal({
      core_messages: count,
      core_conversations: count,
      visitor_notes_notes: count,
    });
    expect(await countWhere(tk, 'core_conversations', { tenant_id: a.tenantId })).to.equal(1);
    expect(await exists(tk, 'core_conversations', { id: keep.conversationId })).to.equal(true);
    expect(await countWhere(tk, 'visitor_notes_notes', { visitor_id: visitor })).to.equal(0);
  });
});
