// @ts-check
/**
 * Presence follows sockets: when a user's last socket has been closed for the grace period, the
 * chat core sets them offline and keeps the presence they had here, to give it back when they
 * connect again. Null when their presence is their own choice (set by hand, or never changed).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('core_users', (t) => {
    t.string('presence_on_reconnect', 10);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('core_users', (t) => {
    t.dropColumn('presence_on_reconnect');
  });
}
