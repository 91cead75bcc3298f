import type { Knex } from 'knex';
import {
  ConflictError,
  InputError,
  NotFoundError,
  type Clock,
  type EventBus,
  type PresenceState,
  type Role,
  type UserSnapshot,
} from '@switchboard/sdk';
import { checkPasswordPolicy, type PasswordHasher } from '../auth/password.js';
import type { TokenService } from '../auth/token-service.js';
import { ChatTopics, type PresencePublished } from '../chat/chat-events.js';
import { newId } from '../chat/ids.js';
import { bool, num, numOrNull, readJson, writeJson } from '../chat/json-column.js';
import type { DepartmentService } from './department-service.js';
import type { TenantService } from './tenant-service.js';
import { isUniqueViolation } from './unique-violation.js';

/** A new console user. */
export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  /** Plain text; checked against the policy and stored only as a scrypt hash. */
  readonly password: string;
  readonly skills?: readonly string[];
  readonly groups?: readonly string[];
  readonly departmentIds?: readonly string[];
  /** Maximum concurrent chats, 0–50 (default: the tenant's `defaultCapacity`). */
  readonly capacity?: number;
}

/** A change to a user. Changing `role` or `password`, or disabling, revokes their tokens. */
export interface UserPatch {
  readonly email?: string;
  readonly name?: string;
  readonly role?: Role;
  readonly password?: string;
  readonly skills?: readonly string[];
  readonly groups?: readonly string[];
  readonly departmentIds?: readonly string[];
  readonly capacity?: number;
  readonly disabled?: boolean;
}

/** What a login needs to check a password; never leaves the accounts area. */
export interface LoginCandidate {
  readonly userId: string;
  readonly tenantId: string;
  readonly passwordHash: string;
}

/** Largest capacity a user can have. */
export const MAX_CAPACITY = 50;

/** Every column but `password_hash`, which is read only where a password is checked. */
const USER_COLUMNS = [
  'id',
  'tenant_id',
  'email',
  'name',
  'role',
  'skills',
  'groups',
  'department_ids',
  'capacity',
  'presence',
  'presence_at',
  'disabled',
  'last_assigned_at',
  'last_ended_at',
  'created_at',
] as const;

/** The 404 for a user that does not exist in the caller's tenant. */
export function userNotFound(userId: string): NotFoundError {
  return new NotFoundError(`No user "${userId}".`, 'USER_NOT_FOUND');
}

export interface UserServiceDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly tenants: TenantService;
  readonly departments: DepartmentService;
}

/**
 * Console users: `core_users`, scoped by tenant. The password hash never leaves this class
 * except as a {@link LoginCandidate}. A tenant always keeps at least one enabled admin.
 */
export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  /** The user `userId` of `tenantId`, or null (also when the id belongs to another tenant). */
  async get(
    tenantId: string,
    userId: string,
    db: Knex | Knex.Transaction = this.deps.knex,
  ): Promise<UserSnapshot | null> {
    const row = await db('core_users')
      .where({ id: userId, tenant_id: tenantId })
      .first(...USER_COLUMNS);
    return row ? toSnapshot(row) : null;
  }

  /** Users of `tenantId`, by name. */
  async list(tenantId: string): Promise<UserSnapshot[]> {
    const rows = await this.deps
      .knex('core_users')
      .where({ tenant_id: tenantId })
      .orderBy([
        { column: 'name', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .select(...USER_COLUMNS);
    return rows.map(toSnapshot);
  }

  async create(tenantId: string, input: NewUser): Promise<UserSnapshot> {
    checkPasswordPolicy(input.password);
    const email = normaliseEmail(input.email);
    await this.checkDepartments(tenantId, input.departmentIds);
    const capacity = input.capacity ?? (await this.deps.tenants.settings(tenantId)).defaultCapacity;
    const passwordHash = await this.deps.passwords.hash(input.password);
    const now = this.deps.clock.now();
    const id = newId('usr', now);
    try {
      await this.deps.knex.transaction(async (trx) => {
        await this.checkEmailFree(trx, tenantId, email, null);
        await trx('core_users').insert({
          id,
          tenant_id: tenantId,
          email,
          name: input.name,
          role: input.role,
          password_hash: passwordHash,
          skills: writeJson(unique(input.skills)),
          groups: writeJson(unique(input.groups)),
          department_ids: writeJson(unique(input.departmentIds)),
          capacity,
          presence: 'offline',
          presence_at: now,
          disabled: false,
          created_at: now,
          updated_at: now,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(email);
      throw error;
    }
    return (await this.get(tenantId, id))!;
  }

  /**
   * Applies `patch`; resolves with the user before and after. Refuses (409 `USER_LAST_ADMIN`) to
   * demote or disable the tenant's last enabled admin. Changing the role or password, or
   * disabling, revokes every token of the user, so their sessions end at once.
   */
  async update(
    tenantId: string,
    userId: string,
    patch: UserPatch,
  ): Promise<{ before: UserSnapshot; after: UserSnapshot }> {
    if (patch.password !== undefined) checkPasswordPolicy(patch.password);
    await this.checkDepartments(tenantId, patch.departmentIds);
    const passwordHash =
      patch.password !== undefined ? await this.deps.passwords.hash(patch.password) : null;
    const now = this.deps.clock.now();
    let result: { before: UserSnapshot; after: UserSnapshot };
    try {
      result = await this.deps.knex.transaction(async (trx) => {
        const row = await trx('core_users')
          .where({ id: userId, tenant_id: tenantId })
          .forUpdate()
          .first(...USER_COLUMNS);
        if (!row) throw userNotFound(userId);
        const before = toSnapshot(row);
        const demoted = patch.role !== undefined && patch.role !== 'admin';
        if (before.role === 'admin' && !before.disabled && (demoted || patch.disabled === true)) {
          await this.checkNotLastAdmin(trx, tenantId, userId);
        }
        const changes: Record<string, unknown> = { updated_at: now };
        if (patch.email !== undefined) {
          const email = normaliseEmail(patch.email);
          if (email !== before.email) await this.checkEmailFree(trx, tenantId, email, userId);
          changes.email = email;
        }
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.role !== undefined) changes.role = patch.role;
        if (passwordHash !== null) changes.password_hash = passwordHash;
        if (patch.skills !== undefined) changes.skills = writeJson(unique(patch.skills));
        if (patch.groups !== undefined) changes.groups = writeJson(unique(patch.groups));
        if (patch.departmentIds !== undefined) {
          changes.department_ids = writeJson(unique(patch.departmentIds));
        }
        if (patch.capacity !== undefined) changes.capacity = patch.capacity;
        if (patch.disabled !== undefined) changes.disabled = patch.disabled;
        // A disabled user is offline: routing must not offer them chats.
        if (patch.disabled === true && before.presence !== 'offline') {
          changes.presence = 'offline';
          changes.presence_at = now;
        }
        // A disabled user comes back offline, whatever they had before a disconnect.
        if (patch.disabled === true) changes.presence_on_reconnect = null;
        await trx('core_users').where({ id: userId, tenant_id: tenantId }).update(changes);
        return { before, after: (await this.get(tenantId, userId, trx))! };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken(normaliseEmail(patch.email ?? ''));
      throw error;
    }
    const { before, after } = result;
    const cut =
      before.role !== after.role || passwordHash !== null || (after.disabled && !before.disabled);
    if (cut) await this.deps.tokens.revokeUser(tenantId, userId);
    if (before.presence !== after.presence) await this.publishPresence(after);
    return result;
  }

  /**
   * Sets a user's presence and tells the console (`ChatTopics.presence`). A presence chosen by
   * the user replaces one the chat core set for them (see {@link disconnected}).
   */
  async setPresence(
    tenantId: string,
    userId: string,
    presence: PresenceState,
  ): Promise<UserSnapshot> {
    const now = this.deps.clock.now();
    const updated = await this.deps
      .knex('core_users')
      .where({ id: userId, tenant_id: tenantId })
      .update({ presence, presence_at: now, presence_on_reconnect: null });
    if (updated === 0) throw userNotFound(userId);
    const user = (await this.get(tenantId, userId))!;
    await this.publishPresence(user);
    return user;
  }

  /**
   * The user's last socket closed a while ago: they are set offline, so routing stops sending
   * them chats, and the presence they had is kept for {@link reconnected}. True when it changed.
   */
  async disconnected(tenantId: string, userId: string): Promise<boolean> {
    const knex = this.deps.knex;
    const updated = await knex('core_users')
      .where({ id: userId, tenant_id: tenantId })
      .whereNot('presence', 'offline')
      .update({
        presence_on_reconnect: knex.ref('presence'),
        presence: 'offline',
        presence_at: this.deps.clock.now(),
      });
    return this.published(tenantId, userId, updated);
  }

  /**
   * A socket of the user opened: the presence {@link disconnected} took away comes back, unless
   * they chose one since or were disabled. True when it changed.
   */
  async reconnected(tenantId: string, userId: string): Promise<boolean> {
    const knex = this.deps.knex;
    const updated = await knex('core_users')
      .where({ id: userId, tenant_id: tenantId, presence: 'offline', disabled: false })
      .whereNotNull('presence_on_reconnect')
      .update({
        presence: knex.ref('presence_on_reconnect'),
        presence_on_reconnect: null,
        presence_at: this.deps.clock.now(),
      });
    return this.published(tenantId, userId, updated);
  }

  /** Tells the console about a presence change made by one UPDATE (`updated` rows). */
  private async published(tenantId: string, userId: string, updated: number): Promise<boolean> {
    if (updated === 0) return false;
    const user = await this.get(tenantId, userId);
    if (user) await this.publishPresence(user);
    return true;
  }

  /**
   * Enabled users of enabled tenants with this email (all tenants unless `tenantId` is given),
   * with their password hashes, for the login check. At most 10.
   */
  async loginCandidates(email: string, tenantId?: string): Promise<LoginCandidate[]> {
    const query = this.deps
      .knex('core_users as u')
      .join('core_tenants as t', 't.id', 'u.tenant_id')
      .where('u.email', normaliseEmail(email))
      .where('u.disabled', false)
      .where('t.disabled', false)
      .orderBy('u.created_at', 'asc')
      .limit(10)
      .select('u.id', 'u.tenant_id', 'u.password_hash');
    if (tenantId !== undefined) query.where('u.tenant_id', tenantId);
    const rows = await query;
    return rows.map((row) => ({
      userId: row.id as string,
      tenantId: row.tenant_id as string,
      passwordHash: row.password_hash as string,
    }));
  }

  /**
   * Replaces a stored hash with one at the current cost, unless the password changed meanwhile.
   * Called by login after a successful check when {@link PasswordHasher.needsRehash} says so.
   */
  async rehash(candidate: LoginCandidate, password: string): Promise<void> {
    const hash = await this.deps.passwords.hash(password);
    await this.deps
      .knex('core_users')
      .where({
        id: candidate.userId,
        tenant_id: candidate.tenantId,
        password_hash: candidate.passwordHash,
      })
      .update({ password_hash: hash });
  }

  /**
   * A user changing their own password: checks the current one (400 `AUTH_PASSWORD_WRONG`),
   * stores the new one and revokes every token of the user. Resolves with the revoked token ids.
   */
  async changePassword(
    tenantId: string,
    userId: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<string[]> {
    const row = await this.deps
      .knex('core_users')
      .where({ id: userId, tenant_id: tenantId })
      .first('password_hash');
    if (!row) throw userNotFound(userId);
    if (!(await this.deps.passwords.verify(currentPassword, row.password_hash as string))) {
      throw new InputError(
        'The current password is wrong. Type it again, or ask an admin to set a new one.',
        { field: 'currentPassword' },
        'AUTH_PASSWORD_WRONG',
      );
    }
    checkPasswordPolicy(newPassword, 'new password');
    const hash = await this.deps.passwords.hash(newPassword);
    await this.deps
      .knex('core_users')
      .where({ id: userId, tenant_id: tenantId })
      .update({ password_hash: hash, updated_at: this.deps.clock.now() });
    return this.deps.tokens.revokeUser(tenantId, userId, { onlyThese: true });
  }

  /** Number of enabled admins of `tenantId`, or of every tenant when none is named. */
  async countAdmins(tenantId?: string): Promise<number> {
    const query = this.deps.knex('core_users').where({ role: 'admin', disabled: false });
    if (tenantId !== undefined) query.where({ tenant_id: tenantId });
    const row = await query.count({ n: '*' }).first();
    return num(row?.n ?? 0);
  }

  private async checkNotLastAdmin(
    trx: Knex.Transaction,
    tenantId: string,
    userId: string,
  ): Promise<void> {
    // Locks the admin rows on PostgreSQL, so two admins demoting each other cannot both pass.
    const others = await trx('core_users')
      .where({ tenant_id: tenantId, role: 'admin', disabled: false })
      .whereNot({ id: userId })
      .forUpdate()
      .pluck('id');
    if (others.length === 0) {
      throw new ConflictError(
        'This is the last enabled admin of the tenant: make another user admin first, then demote or disable this one.',
        'USER_LAST_ADMIN',
      );
    }
  }

  private async checkEmailFree(
    trx: Knex.Transaction,
    tenantId: string,
    email: string,
    except: string | null,
  ): Promise<void> {
    const query = trx('core_users').where({ tenant_id: tenantId, email });
    if (except) query.whereNot({ id: except });
    if (await query.first('id')) throw emailTaken(email);
  }

  private async checkDepartments(
    tenantId: string,
    ids: readonly string[] | undefined,
  ): Promise<void> {
    const unknown = await this.deps.departments.unknownIds(tenantId, unique(ids));
    if (unknown.length > 0) {
      throw new InputError(
        `Unknown department ${unknown.map((id) => `"${id}"`).join(', ')}: use ids from GET /api/v1/departments.`,
        { field: 'departmentIds', unknown },
        'USER_DEPARTMENT_UNKNOWN',
      );
    }
  }

  private async publishPresence(user: UserSnapshot): Promise<void> {
    const event: PresencePublished = {
      tenantId: user.tenantId,
      userId: user.id,
      presence: user.presence,
    };
    await this.deps.events.publish(ChatTopics.presence, event);
  }
}

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTaken(email: string): ConflictError {
  return new ConflictError(
    `A user with the email "${email}" exists already in this tenant.`,
    'USER_EMAIL_TAKEN',
  );
}

function unique(values: readonly string[] | undefined): string[] {
  return [...new Set(values ?? [])];
}

function toSnapshot(row: Record<string, unknown>): UserSnapshot {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    email: row.email as string,
    name: row.name as string,
    role: row.role as Role,
    skills: readJson<string[]>(row.skills, []),
    groups: readJson<string[]>(row.groups, []),
    departmentIds: readJson<string[]>(row.department_ids, []),
    capacity: num(row.capacity),
    presence: row.presence as PresenceState,
    presenceAt: num(row.presence_at),
    disabled: bool(row.disabled),
    lastAssignedAt: numOrNull(row.last_assigned_at),
    lastEndedAt: numOrNull(row.last_ended_at),
    createdAt: num(row.created_at),
  };
}
