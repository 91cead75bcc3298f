/**
 * The id matrix of the isolation suites: every id field of every operation, the kind of thing it
 * names, and valid inputs built from the operation's own JSON Schema with one id swapped.
 */
import type { Operation } from '../../src/api/operation.js';
import { pathParams, type Answer } from './operation-calls.js';
import { COMMON_HINTS, minimalObject, uniqueSuffix, type FieldHints } from './schema-input.js';
import type { FixtureTenant, TableDigest } from './tenant-fixture.js';

/**
 * What an id field names, and the id prefix of that kind. Every input field named `id`, `…Id` or
 * `…Ids` must be listed here or in CLIENT_CHOSEN, so a new operation with an id nobody thought
 * about fails the isolation tests instead of going unchecked.
 */
export const ID_KINDS = {
  tenantId: 'tenant',
  siteId: 'site',
  departmentId: 'department',
  departmentIds: 'department',
  userId: 'user',
  agentId: 'user',
  toAgentId: 'user',
  assignedAgentId: 'user',
  visitorId: 'visitor',
  conversationId: 'conversation',
  attachmentId: 'attachment',
} as const;
export type IdKind = (typeof ID_KINDS)[keyof typeof ID_KINDS];

export const PREFIX: Record<IdKind, string> = {
  tenant: 'ten',
  site: 'site',
  department: 'dep',
  user: 'usr',
  visitor: 'vis',
  conversation: 'cnv',
  attachment: 'att',
};

/**
 * Ids a client makes up itself; they name nothing of another tenant. (`cookieId` is scoped by
 * site: the test "gives a new visitor, never B's…" checks that.)
 */
export const CLIENT_CHOSEN = new Set(['clientMessageId', 'cookieId']);

/** Optional fields some operations need to do anything (an empty patch is refused first). */
export const EXTRAS: Record<string, () => Record<string, unknown>> = {
  'users.update': () => ({ name: `Renamed ${uniqueSuffix()}` }),
  'tenants.update': () => ({ name: `Renamed ${uniqueSuffix()}` }),
  'sites.update': () => ({ name: `Renamed ${uniqueSuffix()}` }),
  'departments.update': () => ({ name: `Renamed ${uniqueSuffix()}` }),
};

/** Field hints per operation, on top of COMMON_HINTS. */
export function hintsFor(op: Operation, a: FixtureTenant): FieldHints {
  const extra: Record<string, () => unknown> = {};
  if (op.name === 'auth.login') {
    extra.email = () => a.admin.email;
    extra.password = () => a.admin.password;
  }
  if (op.name === 'users.create') extra.role = () => 'agent';
  if (op.name.startsWith('visitor.') || op.name === 'sites.publicConfig')
    extra.embedKey = () => a.embedKey;
  return { ...COMMON_HINTS, ...extra };
}

/** One id field of one operation. */
export interface IdCase {
  readonly op: Operation;
  readonly field: keyof typeof ID_KINDS;
  readonly kind: IdKind;
  readonly array: boolean;
  readonly key: string;
}

export type Caller = 'admin' | 'agent' | 'visitor';
export const CALLERS: readonly Caller[] = ['admin', 'agent', 'visitor'];

export function tokenOf(t: FixtureTenant, caller: Caller): string {
  return caller === 'visitor' ? t.visitor.token : t[caller].token;
}

export function idOf(t: FixtureTenant, kind: IdKind): string {
  switch (kind) {
    case 'tenant':
      return t.tenantId;
    case 'site':
      return t.siteId;
    case 'department':
      return t.departmentId;
    case 'user':
      return t.agent.id;
    case 'visitor':
      return t.visitor.visitorId;
    case 'conversation':
      return t.conversationId;
    case 'attachment':
      return t.attachmentId;
  }
}

export function isIdField(name: string): boolean {
  return name === 'id' || /Ids?$/.test(name);
}

export function propertiesOf(op: Operation): Record<string, any> {
  return ((op.input as { properties?: Record<string, any> }).properties ?? {}) as Record<
    string,
    any
  >;
}

export function requiredOf(op: Operation): string[] {
  return ((op.input as { required?: string[] }).required ?? []) as string[];
}

/** The id cases of every operation, and the id fields nobody classified. */
export function idCases(ops: readonly Operation[]): { cases: IdCase[]; unknown: string[] } {
  const cases: IdCase[] = [];
  const unknown: string[] = [];
  for (const op of ops) {
    const fields = new Set([...Object.keys(propertiesOf(op)), ...pathParams(op.http?.path ?? '')]);
    for (const field of fields) {
      if (!isIdField(field) || CLIENT_CHOSEN.has(field)) continue;
      const kind = (ID_KINDS as Record<string, IdKind>)[field];
      if (!kind) {
        unknown.push(`${op.name}.${field}`);
        continue;
      }
      const schema = propertiesOf(op)[field] ?? {};
      cases.push({
        op,
        field: field as keyof typeof ID_KINDS,
        kind,
        array: schema.type === 'array',
        key: `${op.name}.${field}`,
      });
    }
  }
  return { cases, unknown };
}

/**
 * A valid input for `c.op` with `value` in the id field under test and `own` ids (default `t`'s)
 * in the other required id fields.
 */
export function inputFor(
  c: IdCase,
  value: string,
  t: FixtureTenant,
  own: (kind: IdKind) => string = (kind) => idOf(t, kind),
): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...(EXTRAS[c.op.name]?.() ?? {}) };
  for (const name of requiredOf(c.op)) {
    const kind = (ID_KINDS as Record<string, IdKind>)[name];
    if (kind && name !== c.field) {
      fields[name] = propertiesOf(c.op)[name]?.type === 'array' ? [own(kind)] : own(kind);
    }
  }
  fields[c.field] = c.array ? [value] : value;
  return minimalObject(c.op.input, fields, hintsFor(c.op, t));
}

/** Who may call `op` at all: the callers whose principal kind it accepts (public: anyone). */
export function allowedCallers(op: Operation): Caller[] {
  if (op.public) return [...CALLERS];
  const kinds = op.principals ?? ['user', 'system'];
  return CALLERS.filter((c) => kinds.includes(c === 'visitor' ? 'visitor' : 'user'));
}

/** A 2xx body with the requested id taken out, to compare a B answer with a missing-id answer. */
export function normalised(answer: Answer, id: string): string {
  return JSON.stringify(answer.body ?? null)
    .split(id)
    .join('<id>');
}

/** The core tables whose digests differ. */
export function digestDiff(before: TableDigest, after: TableDigest): string[] {
  return Object.keys(before).filter(
    (table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]),
  );
}
