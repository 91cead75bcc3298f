import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import { createAccounts, type Accounts } from '@switchboard/core';
import { ChatTopics, type RevokedPublished } from '../../src/chat/chat-events.js';
import { accountsTestConfig, createTenantWithAdmin, type TestTenant } from '../support/accounts.js';
import { kernelOf } from '../support/kernel.js';

const DAY = 86_400_000;

describe('Session tokens', () => {
  let tk: TestKernel;
  let acme: TestTenant;
  /** A second accounts instance on the same database and bus: another server process. */
  let other: Accounts;

  before(async () => {
    tk = await createTestKernel({ config: accountsTestConfig });
    acme = await createTenantWithAdmin(tk, { name: 'Acme' });
    const chat = kernelOf(tk).chat;
    other = createAccounts({ ...chat.deps, policy: chat.policy, audit: chat.audit });
  });
  after(async () => {
    other.dispose();
    await tk.stop();
  });

  async function newVisitor(): Promise<string> {
    const id = `vis_${Math.random().toString(36).slice(2, 12)}`;
    await tk.knex('core_visitors').insert({
      id,
      tenant_id: acme.tenantId,
      site_id: acme.siteId,
      cookie_id: id,
      last_seen_at: tk.clock.now(),
      created_at: tk.clock.now(),
    });
    return id;
  }

  it('resolve a visitor token to a visitor principal of its site, for 24 hours', async () => {
    const visitorId = await newVisitor();
    const issued = await other.tokens.issue({
      kind: 'visitor',
      tenantId: acme.tenantId,
      siteId: acme.siteId,
      visitorId,
    });
    expect(issued.token).to.match(/^sbv_[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).to.equal(tk.clock.now() + DAY);
    const principal = await other.resolver(issued.token);
    expect(principal).to.deep.include({
      kind: 'visitor',
      visitorId,
      tenantId: acme.tenantId,
      siteId: acme.siteId,
      sessionId: issued.tokenId,
    });
    expect([...principal!.permissions]).to.deep.equal(['visitor.chat']);
    // A visitor token is no console session.
    const users = await tk.request('GET', '/api/v1/users', undefined, issued.token);
    expect(users.status).to.equal(403);
  });

  it('refuse a visitor token once the visitor is revoked, and say so on the bus', async () => {
    const visitorId = await newVisitor();
    const issued = await other.tokens.issue({
      kind: 'visitor',
      tenantId: acme.tenantId,
      siteId: acme.siteId,
      visitorId,
    });
    expect(await other.resolver(issued.token)).not.to.equal(null);
    const seen: RevokedPublished[] = [];
    const sub = kernelOf(tk).events.subscribe(ChatTopics.revoked, (p) => {
      seen.push(p as RevokedPublished);
    });
    try {
      await other.tokens.revokeVisitor(acme.tenantId, visitorId);
    } finally {
      sub.dispose();
    }
    expect(seen).to.deep.equal([
      { tenantId: acme.tenantId, visitorId, tokenIds: [issued.tokenId] },
    ]);
    expect(await other.resolver(issued.token)).to.equal(null);
  });

  it('refuse a visitor token once the visitor row is erased', async () => {
    const visitorId = await newVisitor();
    const issued = await other.tokens.issue({
      kind: 'visitor',
      tenantId: acme.tenantId,
      siteId: acme.siteId,
      visitorId,
    });
    await tk.knex('core_visitors').where({ id: visitorId }).delete();
    // Erasure publishes the event (privacy area); the cache entry goes with it.
    await kernelOf(tk).events.publish(ChatTopics.revoked, { tenantId: acme.tenantId, visitorId });
    expect(await other.resolver(issued.token)).to.equal(null);
  });

  it('are dropped from every process cache when revoked in one of them', async () => {
    const login = await tk.request(
      'POST',
      '/api/v1/auth/login',
      { email: acme.admin.email, password: acme.admin.password },
      null,
    );
    const token = login.body.token as string;
    // Both "processes" have the token cached.
    expect(await other.resolver(token)).not.to.equal(null);
    expect((await tk.request('GET', '/api/v1/auth/me', undefined, token)).status).to.equal(200);
    const me = await tk.request('GET', '/api/v1/auth/me', undefined, token);
    await other.tokens.revoke(acme.tenantId, me.body.sessionId);
    expect((await tk.request('GET', '/api/v1/auth/me', undefined, token)).status).to.equal(401);
    expect(await other.resolver(token)).to.equal(null);
  });

  it('answer null for what is not one of their tokens, so other resolvers get a chance', async () => {
    for (const token of ['', 'sbu_short', `sbx_${'a'.repeat(43)}`, `sbu_${'a'.repeat(43)}`]) {
      expect(await other.resolver(token), token).to.equal(null);
    }
    // A user token with its prefix changed to a visitor one is refused.
    const login = await tk.request(
      'POST',
      '/api/v1/auth/login',
      { email: acme.admin.email, password: acme.admin.password },
      null,
    );
    expect(await other.resolver(`sbv_${(login.body.token as string).slice(4)}`)).to.equal(null);
  });

  it('are purged some time after they expire', async () => {
    const visitorId = await newVisitor();
    const issued = await other.tokens.issue({
      kind: 'visitor',
      tenantId: acme.tenantId,
      siteId: acme.siteId,
      visitorId,
    });
    await tk.clock.advance(DAY + 1);
    expect(await other.resolver(issued.token)).to.equal(null);
    await other.tokens.purge();
    expect(await tk.knex('core_auth_tokens').where({ id: issued.tokenId })).to.have.length(1);
    await tk.clock.advance(DAY);
    expect(await other.tokens.purge()).to.be.greaterThan(0);
    const left = await tk.knex('core_auth_tokens').where({ id: issued.tokenId });
    expect(left).to.deep.equal([]);
  });
});
