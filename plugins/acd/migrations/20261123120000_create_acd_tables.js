// @ts-check
/**
 * acd_decisions: why each chat went to whom (candidates considered, rule that decided).
 * acd_exclusions: agents who declined an offer of a chat or let it lapse; never offered it again.
 * acd_missed_offers: consecutive lapsed offers per agent (set away after N).
 * None holds visitor data: ids of conversations and agents, loads, times and rule names only.
 * @param {import('knex').Knex} knex
 */
export async function up(knex) {
  await knex.schema.createTable('acd_decisions', (t) => {
    t.string('id', 64).primary();
    t.string('tenant_id', 64).notNullable();
    t.string('conversation_id', 64).notNullable();
    t.string('agent_id', 64).notNullable();
    t.string('mode', 16).notNullable();
    t.string('rule', 64).notNullable();
    t.string('queue', 200).notNullable();
    t.integer('priority').notNullable();
    t.integer('eligible').notNullable();
    t.text('candidates').notNullable();
    t.bigInteger('decided_at').notNullable();
    t.index(['tenant_id', 'conversation_id']);
  });
  await knex.schema.createTable('acd_exclusions', (t) => {
    t.string('tenant_id', 64).notNullable();
    t.string('conversation_id', 64).notNullable();
    t.string('agent_id', 64).notNullable();
    t.string('reason', 32).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['conversation_id', 'agent_id']);
    t.index(['tenant_id']);
  });
  await knex.schema.createTable('acd_missed_offers', (t) => {
    t.string('tenant_id', 64).notNullable();
    t.string('agent_id', 64).notNullable();
    t.integer('missed').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant_id', 'agent_id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('acd_missed_offers');
  await knex.schema.dropTable('acd_exclusions');
  await knex.schema.dropTable('acd_decisions');
}
