import type { Knex } from 'knex';
import type { ConversationRecord } from './conversation-record.js';
import { num } from './json-column.js';

/** Where a waiting chat stands, for the visitor's "you are number 3" line. */
export interface QueueStatus {
  readonly state: ConversationRecord['state'];
  /** 1 = next to be answered; null once the chat is not waiting. */
  readonly position: number | null;
  /** Chats waiting in the tenant's queue. */
  readonly waiting: number;
  /**
   * A rough estimate: chats ahead (and this one) times the average length of the tenant's chats
   * of the last day, spread over the capacity of the agents online. Null when nobody is online
   * or there is no history to go by — the widget then shows no figure rather than a wrong one.
   */
  readonly estimatedWaitSeconds: number | null;
}

const DAY_MS = 86_400_000;

/** Queue position and wait estimate of one conversation, in its tenant's queue order. */
export async function queueStatus(
  knex: Knex,
  record: ConversationRecord,
  now: number,
): Promise<QueueStatus> {
  const waitingRows = knex('core_conversations').where({
    tenant_id: record.tenantId,
    state: 'waiting',
  });
  const [{ n: waiting }] = (await waitingRows.clone().count({ n: '*' })) as {
    n: number | string;
  }[];
  if (record.state !== 'waiting' || record.waitingSince === null) {
    return {
      state: record.state,
      position: null,
      waiting: Number(waiting),
      estimatedWaitSeconds: null,
    };
  }
  // Ahead: higher priority, or same priority and waiting longer (id breaks ties), as the queue orders.
  const since = record.waitingSince;
  const [{ n: ahead }] = (await waitingRows
    .clone()
    .andWhere((q) =>
      q
        .where('priority', '>', record.priority)
        .orWhere((same) =>
          same
            .where('priority', record.priority)
            .andWhere((t) =>
              t
                .where('waiting_since', '<', since)
                .orWhere((tie) => tie.where('waiting_since', since).andWhere('id', '<', record.id)),
            ),
        ),
    )
    .count({ n: '*' })) as { n: number | string }[];
  const position = Number(ahead) + 1;
  return {
    state: record.state,
    position,
    waiting: Number(waiting),
    estimatedWaitSeconds: await estimate(knex, record.tenantId, position, now),
  };
}

async function estimate(
  knex: Knex,
  tenantId: string,
  position: number,
  now: number,
): Promise<number | null> {
  const [{ capacity }] = (await knex('core_users')
    .where({ tenant_id: tenantId, presence: 'online' })
    .andWhereNot('disabled', true)
    .sum({ capacity: 'capacity' })) as { capacity: number | string | null }[];
  const slots = Number(capacity ?? 0);
  if (slots <= 0) return null;
  const [{ avg }] = (await knex('core_conversations')
    .where({ tenant_id: tenantId })
    .whereNotNull('ended_at')
    .whereNotNull('assigned_agent_id')
    .andWhere('ended_at', '>', now - DAY_MS)
    .avg({ avg: knex.raw('ended_at - created_at') })) as { avg: number | string | null }[];
  if (avg === null) return null;
  const averageMs = num(avg);
  return Math.max(0, Math.round((position * averageMs) / slots / 1000));
}
