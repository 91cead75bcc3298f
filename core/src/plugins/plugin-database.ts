import type { Knex } from 'knex';
import type { PluginDatabase } from '@switchboard/sdk';
import { tablePrefix } from '../storage/migrator.js';

/** The database as one plugin sees it: the shared knex plus its own table prefix. */
export function createPluginDatabase(
  knex: Knex,
  dialect: 'sqlite' | 'postgres',
  pluginId: string,
): PluginDatabase {
  const prefix = tablePrefix(pluginId);
  return Object.freeze({
    knex,
    dialect,
    prefix,
    tableName: (name: string) => (name.startsWith(prefix) ? name : `${prefix}${name}`),
    table: (name: string) => knex(name.startsWith(prefix) ? name : `${prefix}${name}`),
  });
}
