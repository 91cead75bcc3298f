// @ts-check
/**
 * Billboards of each site (or chat window), their uploaded images, and the impressions and clicks
 * visitors made in each conversation.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('billboards_items', (t) => {
    t.string('id', 36).primary();
    t.string('tenant_id', 40).notNullable();
    t.string('site_id', 40).notNullable();
    // '' for every window of the site, else a chat window name.
    t.string('window_key', 40).notNullable().defaultTo('');
    // 0..9: one of the ten places of its site/window; unique, so the cap holds under races.
    t.integer('slot').notNullable();
    t.integer('position').notNullable();
    t.string('kind', 10).notNullable();
    t.text('text').notNullable();
    t.text('link_url');
    t.string('image_id', 36);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.integer('interval_seconds');
    t.bigInteger('starts_at');
    t.bigInteger('ends_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['tenant_id', 'site_id', 'window_key', 'slot']);
    t.index(['tenant_id', 'site_id']);
  });

  await knex.schema.createTable('billboards_images', (t) => {
    t.string('id', 36).primary();
    t.string('tenant_id', 40).notNullable().index();
    t.string('content_type', 20).notNullable();
    t.integer('size').notNullable();
    t.binary('data').notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('billboards_events', (t) => {
    t.increments('id');
    t.string('tenant_id', 40).notNullable();
    t.string('billboard_id', 36).notNullable();
    t.string('conversation_id', 40).notNullable();
    t.string('visitor_id', 40).notNullable();
    t.string('kind', 12).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['billboard_id', 'conversation_id', 'kind']);
    t.index(['tenant_id', 'billboard_id', 'created_at']);
    t.index(['visitor_id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('billboards_events');
  await knex.schema.dropTable('billboards_images');
  await knex.schema.dropTable('billboards_items');
}
