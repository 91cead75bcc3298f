import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from '../support/kernel.js';
import {
  invoke,
  seedAttachment,
  seedConversation,
  seedTenant,
  seedVisitor,
  userPrincipal,
  visitorPrincipal,
  type Tenant,
} from './support/seed.js';
import { findAll, parseStrictXml } from './support/xml-check.js';

const MARKER = 'INTERNAL-MARKER-7f3a';
const FILE_MARKER = 'INTERNAL-FILE-MARKER-91c2.pdf';
const AGENT_ID = 'usr_agentsecret0001';
const SCRIPT = 'Hello <script>alert("x")</script> & "welcome"';

interface RawResponseLike {
  contentType: string;
  body: string;
  filename?: string;
}

describe('Conversation transcripts', () => {
  let tk: TestKernel;
  let a: Tenant;
  let b: Tenant;
  let ada: string;
  let ben: string;
  let adaChat: string;
  let benChat: string;
  let otherTenantChat: string;

  before(async () => {
    tk = await bootKernel([]);
    a = await seedTenant(tk);
    b = await seedTenant(tk);
    ada = await seedVisitor(tk, a, { name: 'Ada', email: 'ada@example.org' });
    ben = await seedVisitor(tk, a, { name: 'Ben' });
    const internalRef = {
      id: 'att_internal0001',
      filename: FILE_MARKER,
      contentType: 'application/pdf',
      size: 9,
    };
    const publicRef = {
      id: 'att_public00001',
      filename: 'receipt.png',
      contentType: 'image/png',
      size: 4,
    };
    const chat = await seedConversation(tk, a, ada, {
      agentId: AGENT_ID,
      messages: [
        { author: 'visitor', body: SCRIPT },
        { author: 'agent', body: 'Hi Ada, how can I help?', authorName: 'Bob' },
        { author: 'agent', body: `${MARKER} whisper: VIP, offer 20%`, visibility: 'internal' },
        { author: 'agent', body: 'see file', visibility: 'internal', attachment: internalRef },
        { author: 'visitor', body: 'my receipt', attachment: publicRef },
        { author: 'agent', body: 'Thanks!', authorName: 'Bob' },
      ],
    });
    adaChat = chat.conversationId;
    await seedAttachment(tk, a, adaChat, {
      id: internalRef.id,
      messageId: chat.messageIds[3],
      filename: FILE_MARKER,
      visibility: 'internal',
      uploadedBy: 'agent',
    });
    await seedAttachment(tk, a, adaChat, {
      id: publicRef.id,
      messageId: chat.messageIds[4],
      filename: 'receipt.png',
    });
    benChat = (
      await seedConversation(tk, a, ben, { messages: [{ author: 'visitor', body: 'hi' }] })
    ).conversationId;
    const carl = await seedVisitor(tk, b, { name: 'Carl' });
    otherTenantChat = (
      await seedConversation(tk, b, carl, { messages: [{ author: 'visitor', body: 'hej' }] })
    ).conversationId;
  });
  after(() => tk.stop());

  describe('for agents', () => {
    it('gives every message as JSON, internal notes marked internal', async () => {
      const res = await tk.request(
        'GET',
        `/api/v1/conversations/${adaChat}/transcript?tenantId=${a.tenantId}`,
      );
      expect(res.status).to.equal(200);
      expect(res.body.view).to.equal('agent');
      expect(res.body.conversation).to.include({
        id: adaChat,
        tenantId: a.tenantId,
        visitorId: ada,
        visitorName: 'Ada',
        assignedAgentId: AGENT_ID,
      });
      const messages = res.body.messages as {
        seq: number;
        visibility: string;
        body: string;
        attachment: unknown;
      }[];
      expect(messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(messages.map((m) => m.visibility)).to.deep.equal([
        'public',
        'public',
        'internal',
        'internal',
        'public',
        'public',
      ]);
      expect(messages[2]!.body).to.contain(MARKER);
      expect(messages[3]!.attachment).to.include({ filename: FILE_MARKER, visibility: 'internal' });
      expect(messages[0]!.body).to.equal(SCRIPT);
    });

    it('gives well-formed XML as a download, with markup escaped and internal messages marked', async () => {
      const res = await tk.request<string>(
        'GET',
        `/api/v1/conversations/${adaChat}/transcript?tenantId=${a.tenantId}&format=xml`,
      );
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/xml/);
      expect(res.headers.get('content-disposition')).to.contain(`transcript-${adaChat}.xml`);
      const xml = res.body;
      expect(xml).not.to.contain('<script>');
      expect(xml).to.contain('&lt;script&gt;');
      const root = parseStrictXml(xml);
      expect(root.name).to.equal('transcript');
      expect(root.attributes.view).to.equal('agent');
      const messages = findAll(root, 'message');
      expect(messages).to.have.length(6);
      expect(messages.filter((m) => m.attributes.visibility === 'internal')).to.have.length(2);
      const first = messages[0]!;
      expect(first.attributes).to.include({ seq: '1', kind: 'text', visibility: 'public' });
      expect(first.attributes.time).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(findAll(first, 'author')[0]!.attributes).to.include({ kind: 'visitor', id: ada });
      expect(findAll(first, 'body')[0]!.text).to.equal(SCRIPT);
      expect(findAll(messages[3]!, 'attachment')[0]!.attributes).to.include({
        filename: FILE_MARKER,
        visibility: 'internal',
      });
      expect(findAll(root, 'conversation')[0]!.attributes).to.include({ id: adaChat });
    });

    it('lets a user of the tenant holding conversation.read read it', async () => {
      const agent = userPrincipal(tk, a.tenantId, 'agent');
      const view = (await invoke(tk, agent, 'conversations.transcript', {
        conversationId: adaChat,
      })) as { view: string; messages: unknown[] };
      expect(view.view).to.equal('agent');
      expect(view.messages).to.have.length(6);
    });

    it('refuses a user without conversation.read', async () => {
      const user = { ...userPrincipal(tk, a.tenantId, 'agent'), permissions: new Set<string>() };
      const answer = await invoke(tk, user, 'conversations.transcript', {
        conversationId: adaChat,
      });
      expect(answer).to.deep.include({
        error: {
          status: 403,
          code: 'AUTH_FORBIDDEN',
          message: 'This needs the "conversation.read" permission.',
        },
      });
    });

    it("answers another tenant's conversation exactly like a missing one", async () => {
      const admin = userPrincipal(tk, b.tenantId, 'admin');
      const foreign = await invoke(tk, admin, 'conversations.transcript', {
        conversationId: adaChat,
      });
      const missing = await invoke(tk, admin, 'conversations.transcript', {
        conversationId: 'cnv_missing',
      });
      expect(foreign).to.deep.equal({
        error: {
          status: 404,
          code: 'CONVERSATION_NOT_FOUND',
          message: `No conversation "${adaChat}".`,
        },
      });
      expect(missing).to.deep.equal({
        error: {
          status: 404,
          code: 'CONVERSATION_NOT_FOUND',
          message: 'No conversation "cnv_missing".',
        },
      });
      // Naming the other tenant outright changes nothing.
      const named = await invoke(tk, admin, 'conversations.transcript', {
        conversationId: adaChat,
        tenantId: a.tenantId,
      });
      expect(named).to.deep.equal(foreign);
      // The system principal in the wrong tenant gets the same answer over HTTP.
      const res = await tk.request(
        'GET',
        `/api/v1/conversations/${adaChat}/transcript?tenantId=${b.tenantId}`,
      );
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('CONVERSATION_NOT_FOUND');
      expect(res.body.error.message).to.equal(`No conversation "${adaChat}".`);
      const own = await invoke(tk, admin, 'conversations.transcript', {
        conversationId: otherTenantChat,
      });
      expect((own as { view: string }).view).to.equal('agent');
    });

    it('asks the system principal to name the tenant', async () => {
      const res = await tk.request('GET', `/api/v1/conversations/${adaChat}/transcript`);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('TENANT_REQUIRED');
    });
  });

  describe('for the visitor', () => {
    it('gives only the public messages of their own conversation, as JSON', async () => {
      const answer = await invoke(tk, visitorPrincipal(tk, a, ada), 'conversations.transcript', {
        conversationId: adaChat,
      });
      const raw = JSON.stringify(answer);
      expect(raw).not.to.contain(MARKER);
      expect(raw).not.to.contain(FILE_MARKER);
      expect(raw).not.to.contain('att_internal0001');
      expect(raw).not.to.contain(AGENT_ID);
      expect(raw).not.to.contain('"internal"');
      const view = answer as {
        view: string;
        conversation: Record<string, unknown>;
        messages: {
          seq: number;
          body: string;
          author: Record<string, unknown>;
          attachment: unknown;
        }[];
      };
      expect(view.view).to.equal('visitor');
      expect(view.conversation).to.include({ id: adaChat, lastSeq: 4 });
      expect(view.conversation).not.to.have.property('assignedAgentId');
      expect(view.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4]);
      expect(view.messages.map((m) => m.body)).to.deep.equal([
        SCRIPT,
        'Hi Ada, how can I help?',
        'my receipt',
        'Thanks!',
      ]);
      expect(view.messages[1]!.author).to.deep.equal({ kind: 'agent', name: 'Bob' });
      expect(view.messages[2]!.attachment).to.include({ filename: 'receipt.png' });
    });

    it('gives only the public messages as well-formed XML', async () => {
      const answer = (await invoke(tk, visitorPrincipal(tk, a, ada), 'conversations.transcript', {
        conversationId: adaChat,
        format: 'xml',
      })) as RawResponseLike;
      expect(answer.contentType).to.match(/^application\/xml/);
      expect(answer.filename).to.equal(`transcript-${adaChat}.xml`);
      const xml = answer.body;
      for (const secret of [MARKER, FILE_MARKER, 'att_internal0001', AGENT_ID, 'internal']) {
        expect(xml).not.to.contain(secret);
      }
      expect(xml).not.to.contain('<script>');
      const root = parseStrictXml(xml);
      expect(root.attributes.view).to.equal('visitor');
      const messages = findAll(root, 'message');
      expect(messages.map((m) => m.attributes.seq)).to.deep.equal(['1', '2', '3', '4']);
      expect(findAll(messages[0]!, 'body')[0]!.text).to.equal(SCRIPT);
      for (const author of findAll(root, 'author'))
        expect(author.attributes).not.to.have.property('id');
    });

    it("answers another visitor's conversation exactly like a missing one", async () => {
      const visitor = visitorPrincipal(tk, a, ada);
      const foreign = await invoke(tk, visitor, 'conversations.transcript', {
        conversationId: benChat,
      });
      expect(foreign).to.deep.equal({
        error: {
          status: 404,
          code: 'CONVERSATION_NOT_FOUND',
          message: `No conversation "${benChat}".`,
        },
      });
      const otherTenant = await invoke(tk, visitor, 'conversations.transcript', {
        conversationId: otherTenantChat,
        tenantId: b.tenantId,
      });
      expect(otherTenant).to.deep.equal({
        error: {
          status: 404,
          code: 'CONVERSATION_NOT_FOUND',
          message: `No conversation "${otherTenantChat}".`,
        },
      });
    });

    it('may not use the other privacy operations', async () => {
      const visitor = visitorPrincipal(tk, a, ada);
      const answer = await invoke(tk, visitor, 'privacy.exportVisitor', { visitorId: ada });
      expect(answer).to.have.nested.property('error.status', 403);
    });
  });

  it('keeps XML well-formed when a message holds characters XML 1.0 cannot carry', async () => {
    const visitor = await seedVisitor(tk, a);
    const { conversationId } = await seedConversation(tk, a, visitor, {
      messages: [{ author: 'visitor', body: 'bell\u0007 escape\u001b end\uFFFE ]]> done' }],
    });
    const res = await tk.request<string>(
      'GET',
      `/api/v1/conversations/${conversationId}/transcript?tenantId=${a.tenantId}&format=xml`,
    );
    expect(res.status).to.equal(200);
    const root = parseStrictXml(res.body);
    expect(findAll(root, 'body')[0]!.text).to.equal('bell\uFFFD escape\uFFFD end\uFFFD ]]> done');
  });
});
