import type { Knex } from 'knex';
import type { AgentState } from '@switchboard/sdk';
import { num, numOrNull, readJson } from './json-column.js';

/**
 * Every enabled user of a tenant with presence, load (open chats held plus offers standing),
 * capacity and idle time: what routing plugins and the supervisor view both need. Three
 * grouped queries, whatever the number of agents.
 */
export async function agentStates(
  knex: Knex,
  tenantId: string,
  now: number,
): Promise<AgentState[]> {
  const users = (await knex('core_users')
    .where({ tenant_id: tenantId })
    .andWhereNot('disabled', true)
    .orderBy('name')) as Record<string, unknown>[];
  const held = (await knex('core_conversations')
    .where({ tenant_id: tenantId })
    .whereNull('ended_at')
    .whereNotNull('assigned_agent_id')
    .groupBy('assigned_agent_id')
    .select('assigned_agent_id as agent')
    .count({ n: '*' })) as { agent: string; n: number | string }[];
  const offered = (await knex('core_conversations')
    .where({ tenant_id: tenantId, state: 'waiting' })
    .whereNotNull('offered_to')
    .groupBy('offered_to')
    .select('offered_to as agent')
    .count({ n: '*' })) as { agent: string; n: number | string }[];
  const load = new Map<string, number>();
  for (const row of [...held, ...offered]) {
    load.set(row.agent, (load.get(row.agent) ?? 0) + Number(row.n));
  }
  return users.map((u): AgentState => {
    const since = Math.max(
      numOrNull(u.last_assigned_at) ?? 0,
      numOrNull(u.last_ended_at) ?? 0,
      num(u.presence_at),
    );
    return {
      agentId: u.id as string,
      name: u.name as string,
      presence: u.presence as AgentState['presence'],
      presenceAt: num(u.presence_at),
      load: load.get(u.id as string) ?? 0,
      capacity: num(u.capacity),
      idleMs: Math.max(0, now - since),
      skills: readJson(u.skills, []),
      groups: readJson(u.groups, []),
      departmentIds: readJson(u.department_ids, []),
    };
  });
}
