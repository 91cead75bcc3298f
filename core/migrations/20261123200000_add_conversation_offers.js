// @ts-check
/**
 * Offers: a routing plugin may offer a waiting chat to one agent, who accepts or declines
 * within a timeout. The offer counts toward the agent's capacity while it stands.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('core_conversations', (t) => {
    t.string('offered_to', 40);
    t.bigInteger('offered_at');
    t.bigInteger('offer_expires_at');
    t.index(['offered_to']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('core_conversations', (t) => {
    t.dropIndex(['offered_to']);
    t.dropColumn('offer_expires_at');
    t.dropColumn('offered_at');
    t.dropColumn('offered_to');
  });
}
