// @ts-check
/**
 * Chat core: tenants → sites → users; visitors → page views → conversations → messages;
 * auth tokens, attachments and the audit log. Times are epoch milliseconds (bigint); JSON lives
 * in text columns so one schema serves sqlite and PostgreSQL.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('core_tenants', (t) => {
    t.string('id', 40).primary();
    t.string('name', 200).notNullable();
    t.text('settings').notNullable().defaultTo('{}');
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('core_sites', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable().references('id').inTable('core_tenants');
    t.string('name', 200).notNullable();
    t.text('domains').notNullable().defaultTo('[]');
    t.text('allowed_origins').notNullable().defaultTo('[]');
    t.string('embed_key', 64).notNullable().unique();
    t.text('branding').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.index(['tenant_id']);
  });

  await knex.schema.createTable('core_departments', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable().references('id').inTable('core_tenants');
    t.string('site_id', 40).references('id').inTable('core_sites');
    t.string('name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['tenant_id']);
  });

  await knex.schema.createTable('core_users', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable().references('id').inTable('core_tenants');
    t.string('email', 254).notNullable();
    t.string('name', 200).notNullable();
    t.string('role', 20).notNullable();
    t.text('password_hash').notNullable();
    t.text('skills').notNullable().defaultTo('[]');
    t.text('groups').notNullable().defaultTo('[]');
    t.text('department_ids').notNullable().defaultTo('[]');
    t.integer('capacity').notNullable().defaultTo(3);
    t.string('presence', 10).notNullable().defaultTo('offline');
    t.bigInteger('presence_at').notNullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('last_assigned_at');
    t.bigInteger('last_ended_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['tenant_id', 'email']);
  });

  await knex.schema.createTable('core_auth_tokens', (t) => {
    t.string('id', 40).primary();
    t.string('token_hash', 64).notNullable().unique();
    t.string('kind', 10).notNullable();
    t.string('tenant_id', 40).notNullable();
    t.string('user_id', 40);
    t.string('visitor_id', 40);
    t.string('site_id', 40);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('revoked_at');
    t.index(['user_id']);
    t.index(['visitor_id']);
  });

  await knex.schema.createTable('core_visitors', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable().references('id').inTable('core_tenants');
    t.string('site_id', 40).notNullable().references('id').inTable('core_sites');
    t.string('cookie_id', 64).notNullable();
    t.string('name', 200);
    t.string('email', 254);
    t.text('user_agent');
    t.string('language', 35);
    t.text('location').notNullable().defaultTo('{}');
    t.text('custom_data').notNullable().defaultTo('{}');
    t.integer('visit_count').notNullable().defaultTo(1);
    t.bigInteger('last_seen_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['site_id', 'cookie_id']);
    t.index(['tenant_id', 'email']);
  });

  await knex.schema.createTable('core_page_views', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable();
    t.string('visitor_id', 40).notNullable().references('id').inTable('core_visitors');
    t.text('url').notNullable();
    t.text('title');
    t.text('referrer');
    t.bigInteger('viewed_at').notNullable();
    t.bigInteger('time_on_page_ms');
    t.index(['visitor_id', 'viewed_at']);
  });

  await knex.schema.createTable('core_conversations', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable().references('id').inTable('core_tenants');
    t.string('site_id', 40).notNullable().references('id').inTable('core_sites');
    t.string('visitor_id', 40).notNullable().references('id').inTable('core_visitors');
    t.string('state', 10).notNullable();
    t.string('assigned_agent_id', 40);
    t.string('department_id', 40);
    t.text('target').notNullable().defaultTo('{"kind":"any"}');
    t.integer('priority').notNullable().defaultTo(0);
    t.integer('last_seq').notNullable().defaultTo(0);
    // Seq as the visitor sees it: counts public messages only, so internal ones leave no gap.
    t.integer('last_visitor_seq').notNullable().defaultTo(0);
    t.string('last_author', 10);
    t.text('prechat').notNullable().defaultTo('{}');
    t.bigInteger('waiting_since');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('ended_at');
    t.string('ended_by', 10);
    t.string('end_reason', 200);
    t.index(['tenant_id', 'state']);
    t.index(['assigned_agent_id', 'state']);
    t.index(['visitor_id']);
  });
  // One visitor never has two open conversations: a partial unique index both dialects support.
  await knex.raw(
    'CREATE UNIQUE INDEX core_conversations_one_open ON core_conversations (visitor_id) WHERE ended_at IS NULL',
  );

  await knex.schema.createTable('core_messages', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable();
    t.string('conversation_id', 40).notNullable().references('id').inTable('core_conversations');
    t.integer('seq').notNullable();
    t.integer('visitor_seq');
    t.string('author_kind', 10).notNullable();
    t.string('author_id', 40);
    t.string('kind', 10).notNullable();
    t.string('visibility', 10).notNullable();
    t.text('body').notNullable();
    t.string('client_message_id', 64);
    t.text('metadata').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.unique(['conversation_id', 'seq']);
    t.unique(['conversation_id', 'visitor_seq']);
    // Idempotent sends: one client message id per author per conversation.
    t.unique(['conversation_id', 'author_id', 'client_message_id']);
    t.index(['tenant_id', 'created_at']);
  });

  await knex.schema.createTable('core_attachments', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40).notNullable();
    t.string('conversation_id', 40).notNullable().references('id').inTable('core_conversations');
    t.string('message_id', 40);
    t.string('filename', 255).notNullable();
    t.string('content_type', 100).notNullable();
    t.bigInteger('size').notNullable();
    t.string('storage_key', 100).notNullable();
    t.string('visibility', 10).notNullable();
    t.string('uploaded_by_kind', 10).notNullable();
    t.string('uploaded_by_id', 40);
    t.bigInteger('created_at').notNullable();
    t.index(['conversation_id']);
  });

  await knex.schema.createTable('core_audit_log', (t) => {
    t.string('id', 40).primary();
    t.string('tenant_id', 40);
    t.string('actor_kind', 10).notNullable();
    t.string('actor_id', 40);
    t.string('action', 60).notNullable();
    t.string('target_type', 40);
    t.string('target_id', 40);
    t.text('details').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.index(['tenant_id', 'created_at']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  for (const table of [
    'core_audit_log',
    'core_attachments',
    'core_messages',
    'core_conversations',
    'core_page_views',
    'core_visitors',
    'core_auth_tokens',
    'core_users',
    'core_departments',
    'core_sites',
    'core_tenants',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
