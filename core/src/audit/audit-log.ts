import type { Knex } from 'knex';
import type { Clock, Principal } from '@switchboard/sdk';
import { newId } from '../chat/ids.js';
import { writeJson } from '../chat/json-column.js';

/** One audit entry: who did what to which thing. */
export interface AuditEntry {
  readonly tenantId: string | null;
  readonly actor: Principal | null;
  /** `<area>.<verb>`, e.g. `user.create`, `visitor.erase`. */
  readonly action: string;
  readonly targetType?: string;
  readonly targetId?: string;
  /** What changed (never secrets such as passwords or tokens). */
  readonly details?: Record<string, unknown>;
}

/** Appends to `core_audit_log`: admin changes, privacy requests, whispers. */
export class AuditLog {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
  ) {}

  /** Records `entry`, inside `trx` when given so the entry commits with the change. */
  async record(entry: AuditEntry, trx?: Knex.Transaction): Promise<void> {
    const actor = entry.actor;
    await (trx ?? this.knex)('core_audit_log').insert({
      id: newId('aud', this.clock.now()),
      tenant_id: entry.tenantId,
      actor_kind: actor?.kind ?? 'system',
      actor_id:
        actor?.kind === 'user' ? actor.userId : actor?.kind === 'visitor' ? actor.visitorId : null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      details: writeJson(entry.details ?? {}),
      created_at: this.clock.now(),
    });
  }
}
