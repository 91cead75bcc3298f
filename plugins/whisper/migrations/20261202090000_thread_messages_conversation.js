// @ts-check
/**
 * Thread messages carry their conversation, so the kernel's privacy jobs reach them through the
 * `personalData` contract (`conversationColumn`): erased with the visitor whose chat they discuss,
 * removed by retention with that chat, exported with the visitor's other data. Existing rows get
 * it from their thread.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('whisper_thread_messages', (t) => {
    t.string('conversation_id', 64);
  });
  await knex('whisper_thread_messages').update({
    conversation_id: knex('whisper_threads')
      .select('conversation_id')
      .where('whisper_threads.id', knex.ref('whisper_thread_messages.thread_id')),
  });
  await knex.schema.alterTable('whisper_thread_messages', (t) => {
    t.index(['conversation_id']);
  });
  await knex.schema.alterTable('whisper_threads', (t) => {
    t.index(['conversation_id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('whisper_threads', (t) => {
    t.dropIndex(['conversation_id']);
  });
  await knex.schema.alterTable('whisper_thread_messages', (t) => {
    t.dropIndex(['conversation_id']);
    t.dropColumn('conversation_id');
  });
}
