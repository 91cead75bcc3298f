import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { ConversationSnapshot, MessageDraft } from '@switchboard/sdk';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));

interface HookCalls {
  hooks: {
    session: {
      beforeMessage: { call(d: MessageDraft, c: ConversationSnapshot): Promise<MessageDraft> };
    };
  };
}

function draft(body: string, kind: 'agent' | 'visitor' = 'agent'): MessageDraft {
  return {
    tenantId: 't1',
    conversationId: 'c1',
    author: { kind, id: 'u1' },
    kind: 'text',
    visibility: 'public',
    body,
    metadata: {},
    clientMessageId: null,
  };
}

describe('canned-responses plugin', () => {
  let tk: TestKernel;
  const conversation = {} as ConversationSnapshot;
  const expand = (d: MessageDraft) =>
    (tk.kernel as HookCalls).hooks.session.beforeMessage.call(d, conversation);

  before(async () => {
    tk = await createTestKernel({ plugins: [pluginDir] });
  });
  after(() => tk.stop());

  it('stores a response in its own prefixed table and lists it for the tenant only', async () => {
    const created = await tk.request(
      'POST',
      '/api/v1/plugins/canned-responses/responses?tenant=t1',
      {
        shortcut: 'hours',
        text: 'We are open 9 to 5.',
      },
    );
    expect(created.status).to.equal(201);
    const rows = await tk.knex('canned_responses_items').select('tenant_id', 'shortcut');
    expect(rows).to.deep.equal([{ tenant_id: 't1', shortcut: 'hours' }]);
    const own = await tk.request('GET', '/api/v1/plugins/canned-responses/responses?tenant=t1');
    expect(own.body.responses.map((r: { shortcut: string }) => r.shortcut)).to.deep.equal([
      'hours',
    ]);
    const other = await tk.request('GET', '/api/v1/plugins/canned-responses/responses?tenant=t2');
    expect(other.body.responses).to.deep.equal([]);
  });

  it('refuses a duplicate shortcut with 409 and an invalid body with 400 naming the field', async () => {
    const dup = await tk.request('POST', '/api/v1/plugins/canned-responses/responses?tenant=t1', {
      shortcut: 'hours',
      text: 'again',
    });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.code).to.equal('CANNED_RESPONSES_DUPLICATE');
    const bad = await tk.request('POST', '/api/v1/plugins/canned-responses/responses?tenant=t1', {
      shortcut: 'Not Valid!',
      text: '',
      tenantId: 'evil',
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message)
      .to.contain('/shortcut')
      .and.contain('/text')
      .and.contain('tenantId');
  });

  it('requires a token for its routes', async () => {
    const res = await tk.request(
      'GET',
      '/api/v1/plugins/canned-responses/responses?tenant=t1',
      undefined,
      null,
    );
    expect(res.status).to.equal(401);
  });

  it("expands an agent's shortcut through session.beforeMessage, never a visitor's", async () => {
    const agent = await expand(draft('/hours'));
    expect(agent.body).to.equal('We are open 9 to 5.');
    expect(agent.metadata.cannedResponseId).to.be.a('string');
    expect((await expand(draft('/hours', 'visitor'))).body).to.equal('/hours');
    expect((await expand(draft('/unknown'))).body).to.equal('/unknown');
  });

  it('follows its per-tenant settings', async () => {
    const set = await tk.request('PUT', '/api/v1/plugins/canned-responses/settings?tenant=t1', {
      trigger: '#',
    });
    expect(set.status).to.equal(200);
    expect(set.body.value).to.deep.equal({ trigger: '#', expandInMessages: true });
    expect((await expand(draft('/hours'))).body).to.equal('/hours');
    expect((await expand(draft('#hours'))).body).to.equal('We are open 9 to 5.');
    const invalid = await tk.request('PUT', '/api/v1/plugins/canned-responses/settings?tenant=t1', {
      trigger: 7,
    });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.message).to.contain('/trigger');
  });

  it('contributes its composer action, and serves the module', async () => {
    const res = await tk.request('GET', '/api/v1/ui/contributions?surface=console');
    const entry = res.body.contributions.find(
      (c: { pluginId: string }) => c.pluginId === 'canned-responses',
    );
    expect(entry).to.include({
      slot: 'conversation.composer.actions',
      element: 'sb-canned-responses-picker',
    });
    const js = await tk.request('GET', entry.moduleUrl, undefined, null);
    expect(js.status).to.equal(200);
    expect(js.headers.get('content-type')).to.contain('javascript');
  });
});
