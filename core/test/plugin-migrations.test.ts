import { expect } from 'chai';
import { migrateLatest, migrationTable, pendingMigrations, rollbackAll } from '@switchboard/core';
import type { TestKernel } from '@switchboard/sdk/testing';
import { clearJournal, journal } from './support/journal.js';
import { bootKernel, expectedDialect, fixture, kernelOf } from './support/kernel.js';

// fixtures/mig-child depends on fixtures/mig-base, and its migration is dated before mig-base's
// two and refuses to run unless mig_base_items exists: only dependency order migrates it.

describe('Plugin migrations', () => {
  let tk: TestKernel;
  const names = async (owner: string) =>
    ((await tk.knex(migrationTable(owner)).orderBy('id').select('name')) as { name: string }[]).map(
      (r) => r.name,
    );

  beforeEach(async () => {
    tk = await bootKernel(['mig-child', 'mig-base']);
  });
  afterEach(() => tk.stop());

  it(`run on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('run in dependency order, whatever the dates in their file names', async () => {
    expect(await tk.knex.schema.hasTable('mig_base_items')).to.equal(true);
    expect(await tk.knex.schema.hasTable('mig_child_links')).to.equal(true);
    expect(await tk.knex.schema.hasColumn('mig_base_items', 'rank')).to.equal(true);
  });

  it('keep each owner’s state in its own <prefix>knex_migrations table', async () => {
    expect(migrationTable('mig-base')).to.equal('mig_base_knex_migrations');
    expect(await names('core')).to.deep.equal([
      '20261123000000_create_plugin_tables.js',
      '20261123100000_create_chat_tables.js',
      '20261123200000_add_conversation_offers.js',
      '20261123300000_create_conversation_surveys.js',
      '20261123400000_slim_message_indexes.js',
      '20261123500000_add_presence_on_reconnect.js',
    ]);
    expect(await names('mig-base')).to.deep.equal([
      '20261124000000_create_mig_base_items.js',
      '20261124000100_add_mig_base_items_rank.js',
    ]);
    expect(await names('mig-child')).to.deep.equal(['20261101000000_create_mig_child_links.js']);
  });

  it('leave nothing pending, so migrating again applies nothing', async () => {
    const kernel = kernelOf(tk);
    expect(kernel.migrationSets().map((s) => s.owner)).to.deep.equal([
      'core',
      'mig-base',
      'mig-child',
    ]);
    expect(await pendingMigrations(tk.knex, kernel.migrationSets())).to.deep.equal([]);
    expect(await kernel.migrate()).to.deep.equal([]);
  });

  it('roll back one plugin without touching another, and apply again', async () => {
    const child = { owner: 'mig-child', directory: fixture('mig-child/migrations') };
    await rollbackAll(tk.knex, child);
    expect(await tk.knex.schema.hasTable('mig_child_links')).to.equal(false);
    expect(await tk.knex.schema.hasTable('mig_base_items')).to.equal(true);
    expect(await names('mig-child')).to.deep.equal([]);
    expect(await migrateLatest(tk.knex, [child])).to.deep.equal([
      'mig-child/20261101000000_create_mig_child_links.js',
    ]);
    expect(await tk.knex.schema.hasTable('mig_child_links')).to.equal(true);
  });

  it('give the plugin its prefixed tables through ctx.db', async () => {
    const created = await tk.request('POST', '/api/v1/plugins/mig-base/items', { label: 'first' });
    expect(created.status).to.equal(201);
    const rows = await tk.knex('mig_base_items').select('label', 'rank');
    expect(rows).to.deep.equal([{ label: 'first', rank: 1 }]);
    const listed = await tk.request('GET', '/api/v1/plugins/mig-base/items');
    expect(listed.body).to.deep.equal({ items: [{ label: 'first', rank: 1 }] });
  });

  it('are still in place while plugins stop', async () => {
    await tk.request('POST', '/api/v1/plugins/mig-base/items', { label: 'kept' });
    clearJournal();
    await tk.stop();
    expect(journal()).to.deep.equal(['mig-base:stop', 'mig-base:items=1']);
  });
});
