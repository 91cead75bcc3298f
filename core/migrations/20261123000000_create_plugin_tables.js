// @ts-check
/** Kernel tables for plugin state and per-tenant plugin settings. */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('core_plugin_states', (t) => {
    t.string('plugin_id', 40).primary();
    t.boolean('enabled').notNullable();
    t.string('changed_by', 120);
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('core_plugin_settings', (t) => {
    t.string('tenant_id', 64).notNullable();
    t.string('plugin_id', 40).notNullable();
    t.text('value').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['tenant_id', 'plugin_id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('core_plugin_settings');
  await knex.schema.dropTable('core_plugin_states');
}
