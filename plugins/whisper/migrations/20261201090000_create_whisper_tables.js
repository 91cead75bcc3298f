// @ts-check

/**
 * The whisper plugin's own tables. Whispers themselves are internal messages in the core's
 * message log; these hold the audit trail, monitoring sessions and the internal agent-to-agent
 * threads (staff only: no visitor data, so no personalData declaration).
 * @param {import('knex').Knex} knex
 */
export async function up(knex) {
  await knex.schema.createTable('whisper_audit', (t) => {
    // Insertion order, for newest-first lists and cursors (times tie within a millisecond).
    t.increments('seq');
    t.string('id', 64).notNullable().unique();
    t.string('tenant_id', 64).notNullable();
    t.string('action', 40).notNullable();
    t.string('actor_user_id', 64).notNullable();
    t.string('target_user_id', 64).nullable();
    t.string('conversation_id', 64).notNullable();
    t.string('message_id', 64).nullable();
    t.string('thread_id', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['tenant_id', 'created_at']);
    t.index(['tenant_id', 'conversation_id']);
  });
  await knex.schema.createTable('whisper_monitors', (t) => {
    t.string('id', 64).primary();
    t.string('tenant_id', 64).notNullable();
    t.string('conversation_id', 64).notNullable();
    t.string('user_id', 64).notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('ended_at').nullable();
    t.index(['tenant_id', 'conversation_id']);
  });
  await knex.schema.createTable('whisper_threads', (t) => {
    t.string('id', 64).primary();
    t.string('tenant_id', 64).notNullable();
    t.string('conversation_id', 64).notNullable();
    // The two participants, in sorted order, so a pair has one thread per conversation.
    t.string('user_low', 64).notNullable();
    t.string('user_high', 64).notNullable();
    t.string('opened_by', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['tenant_id', 'conversation_id', 'user_low', 'user_high']);
    t.index(['tenant_id', 'user_low']);
    t.index(['tenant_id', 'user_high']);
  });
  await knex.schema.createTable('whisper_thread_messages', (t) => {
    t.increments('id');
    t.string('tenant_id', 64).notNullable();
    t.string('thread_id', 64).notNullable();
    t.string('author_user_id', 64).notNullable();
    t.string('author_name', 200).notNullable();
    t.text('body').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['thread_id', 'id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('whisper_thread_messages');
  await knex.schema.dropTable('whisper_threads');
  await knex.schema.dropTable('whisper_monitors');
  await knex.schema.dropTable('whisper_audit');
}
