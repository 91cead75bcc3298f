// @ts-check
/** Saved answers, one row per tenant and shortcut. */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('canned_responses_items', (t) => {
    t.string('id', 36).primary();
    t.string('tenant_id', 64).notNullable();
    t.string('shortcut', 40).notNullable();
    t.text('text').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['tenant_id', 'shortcut']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('canned_responses_items');
}
