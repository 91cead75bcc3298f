// @ts-check
/**
 * Fewer per-conversation indexes on messages. Every index keyed by conversation puts one more
 * page per conversation into each commit (and each WAL checkpoint): with three of them, index
 * pages were most of what a group commit of messages wrote.
 *
 * - `(conversation_id, visitor_seq)` goes. Nothing looked a message up by it alone: a visitor's
 *   reads range over `(conversation_id, seq)` instead, since seq >= visitor_seq always (visitor
 *   seqs count a subset of the messages), and seqs are assigned under the conversation's lock,
 *   so the unique index guarded nothing the writer does not already guarantee.
 * - The idempotency key `(conversation_id, author_id, client_message_id)` stays unique, but only
 *   over rows that have a client message id: system events and sends without one (most agent
 *   and every routing message) no longer write to it. NULLs never conflicted anyway.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('core_messages', (t) => {
    t.dropUnique(['conversation_id', 'visitor_seq']);
    t.dropUnique(['conversation_id', 'author_id', 'client_message_id']);
  });
  await knex.raw(
    'CREATE UNIQUE INDEX core_messages_client_id ON core_messages (conversation_id, author_id, client_message_id) WHERE client_message_id IS NOT NULL',
  );
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP INDEX core_messages_client_id');
  await knex.schema.alterTable('core_messages', (t) => {
    t.unique(['conversation_id', 'visitor_seq']);
    t.unique(['conversation_id', 'author_id', 'client_message_id']);
  });
}
