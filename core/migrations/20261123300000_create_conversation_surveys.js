// @ts-check
/**
 * Exit surveys: the rating (1–5) and comment a visitor leaves when a chat ends. One per
 * conversation; personal data of the visitor (export, erase, retention reach it).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('core_conversation_surveys', (t) => {
    t.string('conversation_id', 40).primary().references('id').inTable('core_conversations');
    t.string('tenant_id', 40).notNullable();
    t.string('agent_id', 40);
    t.integer('rating').notNullable();
    t.text('comment');
    t.bigInteger('created_at').notNullable();
    t.index(['tenant_id', 'created_at']);
    t.index(['agent_id', 'created_at']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('core_conversation_surveys');
}
