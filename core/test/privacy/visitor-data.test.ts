import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel, kernelOf, setEnabled } from '../support/kernel.js';
import {
  countWhere,
  fileExists,
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
import { findAll, parseStrictXml } from './support/xml-check.js';

// fixtures/visitor-notes declares two personal-data tables: "notes" (plugin-relative name of
// visitor_notes_notes, with tenant and time columns and a foreign key to core_visitors) and
// "visitor_notes_tags" (full name, visitor column only).

interface ExportTable {
  table: string;
  owner: string;
  rows: Record<string, unknown>[];
}

interface Seeded {
  visitorId: string;
  conversationId: string;
  files: string[];
  tokenId: string;
}

describe("A visitor's personal data", () => {
  let tk: TestKernel;
  let a: Tenant;
  let b: Tenant;

  /** Ada: a conversation with public and internal messages and files, pages, a token, notes. */
  const seedAda = async (tenant: Tenant, name = 'Ada Lovelace'): Promise<Seeded> => {
    const visitorId = await seedVisitor(tk, tenant, { name, email: 'ada@example.org' });
    const { conversationId, messageIds } = await seedConversation(tk, tenant, visitorId, {
      endedAt: tk.clock.now(),
      messages: [
        { author: 'visitor', body: 'My address is 12 Analytical Row' },
        { author: 'agent', body: 'internal: she is a VIP', visibility: 'internal' },
        { author: 'agent', body: 'Thanks, noted.' },
      ],
    });
    const pub = await seedAttachment(tk, tenant, conversationId, {
      messageId: messageIds[0],
      filename: 'passport.png',
    });
    const internal = await seedAttachment(tk, tenant, conversationId, {
      messageId: messageIds[1],
      filename: 'crm-notes.pdf',
      visibility: 'internal',
      uploadedBy: 'agent',
    });
    await tk.knex('core_conversation_surveys').insert({
      conversation_id: conversationId,
      tenant_id: tenant.tenantId,
      rating: 5,
      comment: 'Ada was delighted',
      created_at: tk.clock.now(),
    });
    await seedPageView(tk, tenant, visitorId, 'https://shop.example/pricing');
    const tokenId = await seedVisitorToken(tk, tenant, visitorId);
    await seedNote(tk, tenant, visitorId, 'prefers email');
    await seedNote(tk, tenant, visitorId, 'asked about refunds', tk.clock.now() + 1);
    await seedTag(tk, visitorId, 'vip');
    return { visitorId, conversationId, files: [pub.path, internal.path], tokenId };
  };

  const exportOf = async (tenant: Tenant, visitorId: string, format = 'json') =>
    tk.request(
      'GET',
      `/api/v1/visitors/${visitorId}/export?tenantId=${tenant.tenantId}&format=${format}`,
    );

  const tablesOf = (body: { tables: ExportTable[] }) =>
    Object.fromEntries(body.tables.map((t) => [t.table, t.rows]));

  /** Rows of the visitor left anywhere: core tables and the fixture's. */
  const leftovers = async (s: Seeded) => ({
    core_visitors: await countWhere(tk, 'core_visitors', { id: s.visitorId }),
    core_page_views: await countWhere(tk, 'core_page_views', { visitor_id: s.visitorId }),
    core_conversations: await countWhere(tk, 'core_conversations', { visitor_id: s.visitorId }),
    core_messages: await countWhere(tk, 'core_messages', { conversation_id: s.conversationId }),
    core_attachments: await countWhere(tk, 'core_attachments', {
      conversation_id: s.conversationId,
    }),
    core_conversation_surveys: await countWhere(tk, 'core_conversation_surveys', {
      conversation_id: s.conversationId,
    }),
    core_auth_tokens: await countWhere(tk, 'core_auth_tokens', { visitor_id: s.visitorId }),
    visitor_notes_notes: await countWhere(tk, 'visitor_notes_notes', { visitor_id: s.visitorId }),
    visitor_notes_tags: await countWhere(tk, 'visitor_notes_tags', { visitor_ref: s.visitorId }),
  });

  beforeEach(async () => {
    tk = await bootKernel(['visitor-notes', 'privacy-misdeclared']);
    a = await seedTenant(tk);
    b = await seedTenant(tk);
  });
  afterEach(() => tk.stop());

  describe('export', () => {
    it("contains the core rows and the plugin's rows, without credentials", async () => {
      const ada = await seedAda(a);
      await seedAda(b, 'Someone Else');
      const res = await exportOf(a, ada.visitorId);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ visitorId: ada.visitorId, tenantId: a.tenantId });
      const tables = tablesOf(res.body);
      expect(Object.keys(tables)).to.deep.equal([
        'core_visitors',
        'core_page_views',
        'core_conversations',
        'core_messages',
        'core_attachments',
        'core_conversation_surveys',
        'core_auth_tokens',
        'visitor_notes_notes',
        'visitor_notes_tags',
      ]);
      expect(
        res.body.tables.find((t: ExportTable) => t.table === 'visitor_notes_notes').owner,
      ).to.equal('visitor-notes');
      expect(tables.core_visitors).to.have.length(1);
      expect(tables.core_visitors![0]).to.include({
        name: 'Ada Lovelace',
        email: 'ada@example.org',
      });
      expect(tables.core_visitors![0]!.location).to.deep.equal({ country: 'NL', city: 'Utrecht' });
      expect(tables.core_visitors![0]!.last_seen_at).to.be.a('number');
      expect(tables.core_messages).to.have.length(3);
      expect(tables.core_messages!.map((m) => m.body)).to.include('internal: she is a VIP');
      expect(tables.core_attachments!.map((r) => r.filename)).to.have.members([
        'passport.png',
        'crm-notes.pdf',
      ]);
      expect(tables.core_page_views).to.have.length(1);
      expect(tables.core_auth_tokens).to.have.length(1);
      expect(tables.core_auth_tokens![0]).not.to.have.property('token_hash');
      expect(tables.visitor_notes_notes!.map((n) => n.body)).to.deep.equal([
        'prefers email',
        'asked about refunds',
      ]);
      expect(tables.visitor_notes_notes![0]!.created_at).to.be.a('number');
      expect(tables.visitor_notes_tags).to.deep.equal([{ visitor_ref: ada.visitorId, tag: 'vip' }]);
      expect(JSON.stringify(res.body)).not.to.contain('Someone Else');
    });

    it('is well-formed XML on request, and leaves an audit entry', async () => {
      const ada = await seedAda(a, 'Ada <b>"Lovelace"</b> & co');
      const res = await exportOf(a, ada.visitorId, 'xml');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/xml/);
      expect(res.headers.get('content-disposition')).to.contain(`visitor-${ada.visitorId}.xml`);
      const root = parseStrictXml(res.body);
      expect(root.name).to.equal('visitorExport');
      const tables = findAll(root, 'table');
      expect(tables.map((t) => t.attributes.name)).to.include.members([
        'core_visitors',
        'visitor_notes_notes',
        'visitor_notes_tags',
      ]);
      const name = findAll(tables[0]!, 'field').find((f) => f.attributes.name === 'name');
      expect(name!.text).to.equal('Ada <b>"Lovelace"</b> & co');
      const audit = await tk.knex('core_audit_log').where({ action: 'visitor.export' });
      expect(audit).to.have.length(1);
      expect(audit[0].target_id).to.equal(ada.visitorId);
      expect(audit[0].details).not.to.contain('Lovelace');
    });

    it("answers another tenant's visitor exactly like a missing one", async () => {
      const ada = await seedAda(a);
      const admin = userPrincipal(tk, b.tenantId, 'admin');
      expect(
        await invoke(tk, admin, 'privacy.exportVisitor', { visitorId: ada.visitorId }),
      ).to.deep.equal({
        error: {
          status: 404,
          code: 'VISITOR_NOT_FOUND',
          message: `No visitor "${ada.visitorId}".`,
        },
      });
      expect(
        await invoke(tk, admin, 'privacy.exportVisitor', {
          visitorId: ada.visitorId,
          tenantId: a.tenantId,
        }),
      ).to.deep.equal({
        error: {
          status: 404,
          code: 'VISITOR_NOT_FOUND',
          message: `No visitor "${ada.visitorId}".`,
        },
      });
    });

    it('needs privacy.manage', async () => {
      const ada = await seedAda(a);
      const supervisor = userPrincipal(tk, a.tenantId, 'supervisor');
      expect(
        await invoke(tk, supervisor, 'privacy.exportVisitor', { visitorId: ada.visitorId }),
      ).to.have.nested.property('error.status', 403);
      const admin = userPrincipal(tk, a.tenantId, 'admin');
      const data = (await invoke(tk, admin, 'privacy.exportVisitor', {
        visitorId: ada.visitorId,
      })) as { visitorId: string };
      expect(data.visitorId).to.equal(ada.visitorId);
    });

    it("leaves out a disabled plugin's tables, and takes them back once it is enabled", async () => {
      const ada = await seedAda(a);
      await setEnabled(tk, 'visitor-notes', false);
      const off = await exportOf(a, ada.visitorId);
      expect(Object.keys(tablesOf(off.body))).not.to.include.members(['visitor_notes_notes']);
      expect(Object.keys(tablesOf(off.body))).to.not.include('visitor_notes_tags');
      const listed = await tk.request('GET', '/api/v1/privacy/tables');
      const notes = listed.body.tables.find(
        (t: { table: string }) => t.table === 'visitor_notes_notes',
      );
      expect(notes).to.include({ owner: 'visitor-notes', inService: false });
      await setEnabled(tk, 'visitor-notes', true);
      const on = await exportOf(a, ada.visitorId);
      expect(tablesOf(on.body).visitor_notes_notes).to.have.length(2);
    });
  });

  describe('erase', () => {
    it('removes every row and file of the visitor, and only theirs', async () => {
      const ada = await seedAda(a);
      const other = await seedAda(a, 'Other Visitor');
      for (const file of [...ada.files, ...other.files]) expect(fileExists(file)).to.equal(true);
      const revoked: unknown[] = [];
      kernelOf(tk).events.subscribe('auth.revoked', (payload) => {
        revoked.push(payload);
      });

      const res = await tk.request(
        'DELETE',
        `/api/v1/visitors/${ada.visitorId}?tenantId=${a.tenantId}`,
      );
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        visitorId: ada.visitorId,
        tables: {
          visitor_notes_tags: 1,
          visitor_notes_notes: 2,
          core_auth_tokens: 1,
          core_conversation_surveys: 1,
          core_attachments: 2,
          core_messages: 3,
          core_conversations: 1,
          core_page_views: 1,
          core_visitors: 1,
        },
        attachmentFiles: 2,
      });
      expect(Object.values(await leftovers(ada)).every((n) => n === 0)).to.equal(true);
      for (const file of ada.files) expect(fileExists(file)).to.equal(false);
      // The other visitor keeps everything.
      expect(await leftovers(other)).to.deep.equal({
        core_visitors: 1,
        core_page_views: 1,
        core_conversations: 1,
        core_messages: 3,
        core_attachments: 2,
        core_conversation_surveys: 1,
        core_auth_tokens: 1,
        visitor_notes_notes: 2,
        visitor_notes_tags: 1,
      });
      for (const file of other.files) expect(fileExists(file)).to.equal(true);
      expect(revoked).to.deep.equal([{ tenantId: a.tenantId, visitorId: ada.visitorId }]);
    });

    it('leaves an audit entry with row counts and no personal data', async () => {
      const ada = await seedAda(a);
      await tk.request('DELETE', `/api/v1/visitors/${ada.visitorId}?tenantId=${a.tenantId}`);
      const rows = await tk.knex('core_audit_log').where({ action: 'visitor.erase' });
      expect(rows).to.have.length(1);
      const row = rows[0];
      expect(row).to.include({
        tenant_id: a.tenantId,
        actor_kind: 'system',
        target_type: 'visitor',
        target_id: ada.visitorId,
      });
      const details = JSON.parse(row.details);
      expect(details.tables).to.include({ core_messages: 3, visitor_notes_notes: 2 });
      const text = JSON.stringify(row);
      for (const personal of [
        'Ada',
        'ada@example.org',
        'Analytical',
        'passport',
        'shop.example',
        'refunds',
      ]) {
        expect(text).not.to.contain(personal);
      }
      // The audit log reads it back through audit.list.
      const list = await tk.request(
        'GET',
        `/api/v1/audit?tenantId=${a.tenantId}&action=visitor.erase`,
      );
      expect(list.status).to.equal(200);
      expect(list.body.entries).to.have.length(1);
      expect(list.body.entries[0]).to.deep.include({
        action: 'visitor.erase',
        actor: { kind: 'system', id: null },
        targetId: ada.visitorId,
      });
    });

    it("answers another tenant's visitor exactly like a missing one, and deletes nothing", async () => {
      const ada = await seedAda(a);
      const before = await leftovers(ada);
      const admin = userPrincipal(tk, b.tenantId, 'admin');
      const foreign = await invoke(tk, admin, 'privacy.eraseVisitor', { visitorId: ada.visitorId });
      const missing = await invoke(tk, admin, 'privacy.eraseVisitor', { visitorId: 'vis_missing' });
      expect(foreign).to.deep.equal({
        error: {
          status: 404,
          code: 'VISITOR_NOT_FOUND',
          message: `No visitor "${ada.visitorId}".`,
        },
      });
      expect(missing).to.deep.equal({
        error: { status: 404, code: 'VISITOR_NOT_FOUND', message: 'No visitor "vis_missing".' },
      });
      const named = await invoke(tk, admin, 'privacy.eraseVisitor', {
        visitorId: ada.visitorId,
        tenantId: a.tenantId,
      });
      expect(named).to.deep.equal(foreign);
      const http = await tk.request(
        'DELETE',
        `/api/v1/visitors/${ada.visitorId}?tenantId=${b.tenantId}`,
      );
      expect(http.status).to.equal(404);
      expect(http.body.error.code).to.equal('VISITOR_NOT_FOUND');
      expect(await leftovers(ada)).to.deep.equal(before);
      for (const file of ada.files) expect(fileExists(file)).to.equal(true);
      expect(await countWhere(tk, 'core_audit_log', { action: 'visitor.erase' })).to.equal(0);
    });

    it("reaches a disabled plugin's tables too", async () => {
      const ada = await seedAda(a);
      await setEnabled(tk, 'visitor-notes', false);
      const admin = userPrincipal(tk, a.tenantId, 'admin');
      const result = (await invoke(tk, admin, 'privacy.eraseVisitor', {
        visitorId: ada.visitorId,
      })) as {
        tables: Record<string, number>;
      };
      expect(result.tables).to.include({ visitor_notes_notes: 2, visitor_notes_tags: 1 });
      expect(Object.values(await leftovers(ada)).every((n) => n === 0)).to.equal(true);
    });
  });

  describe('personal-data declarations', () => {
    it('skips a declaration naming a missing table or column, naming the plugin and the fix', async () => {
      const res = await tk.request('GET', '/api/v1/privacy/tables');
      expect(res.status).to.equal(200);
      const tables = res.body.tables.map((t: { table: string }) => t.table);
      expect(tables).to.include.members([
        'core_visitors',
        'visitor_notes_notes',
        'visitor_notes_tags',
      ]);
      expect(tables).not.to.include('privacy_misdeclared_entries');
      const problems = res.body.problems as { plugin: string; message: string; fix: string }[];
      expect(problems).to.have.length(2);
      expect(problems.every((p) => p.plugin === 'privacy-misdeclared')).to.equal(true);
      expect(problems[0]!.message).to.contain('visitorColumn "visitor"');
      expect(problems[0]!.message).to.contain('privacy_misdeclared_entries');
      expect(problems[0]!.fix).to.contain('correct the column names');
      expect(problems[1]!.message).to.contain('"ghosts" (table "privacy_misdeclared_ghosts")');
      expect(problems[1]!.fix).to.contain('create it in a migration');
    });
  });

  describe('audit log', () => {
    it('pages newest first with an opaque cursor, per tenant', async () => {
      for (let i = 0; i < 5; i++) {
        const visitorId = await seedVisitor(tk, a);
        await tk.clock.advance(1000);
        await tk.request('DELETE', `/api/v1/visitors/${visitorId}?tenantId=${a.tenantId}`);
      }
      const other = await seedVisitor(tk, b);
      await tk.request('DELETE', `/api/v1/visitors/${other}?tenantId=${b.tenantId}`);

      const admin = userPrincipal(tk, a.tenantId, 'supervisor');
      const seen: string[] = [];
      let cursor: string | undefined;
      const times: number[] = [];
      for (let page = 0; page < 5; page++) {
        const answer = (await invoke(tk, admin, 'audit.list', {
          limit: 2,
          ...(cursor ? { cursor } : {}),
        })) as {
          entries: { id: string; tenantId: string; createdAt: number }[];
          nextCursor: string | null;
        };
        for (const e of answer.entries) {
          expect(e.tenantId).to.equal(a.tenantId);
          seen.push(e.id);
          times.push(e.createdAt);
        }
        if (!answer.nextCursor) break;
        cursor = answer.nextCursor;
      }
      expect(seen).to.have.length(5);
      expect(new Set(seen).size).to.equal(5);
      expect([...times].sort((x, y) => y - x)).to.deep.equal(times);
      // Another tenant's log reads as empty; a forged cursor is refused.
      expect(await invoke(tk, admin, 'audit.list', { tenantId: b.tenantId })).to.deep.equal({
        entries: [],
        nextCursor: null,
      });
      expect(
        await invoke(tk, admin, 'audit.list', { cursor: 'bm90LWEtY3Vyc29y' }),
      ).to.have.nested.property('error.code', 'AUDIT_CURSOR_INVALID');
      // The system principal sees every tenant's entries.
      const all = await tk.request('GET', '/api/v1/audit?action=visitor.erase&limit=50');
      expect(all.body.entries).to.have.length(6);
      // An agent may not read the log.
      const agent = userPrincipal(tk, a.tenantId, 'agent');
      expect(await invoke(tk, agent, 'audit.list', {})).to.have.nested.property(
        'error.status',
        403,
      );
    });
  });
});
