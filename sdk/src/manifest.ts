/** Slots the console and widget mount plugin elements into. @public */
export const UI_SLOTS = [
  'console.nav',
  'console.view',
  'conversation.header',
  'conversation.sidebar',
  'conversation.composer.actions',
  'conversation.message.decorations',
  'visitor.panel',
  'widget.waiting',
  'widget.header',
  'admin.settings',
] as const;

/** A slot name. @public */
export type UiSlot = (typeof UI_SLOTS)[number];

/** A slot contribution as written in a manifest. @public */
export interface SlotContribution {
  readonly slot: UiSlot;
  /** ES module path inside the package. */
  readonly module: string;
  /** Custom element name the module defines. */
  readonly element: string;
  readonly order?: number;
  readonly title?: string;
  /** Only users holding this permission get the contribution. */
  readonly permission?: string;
}

/**
 * A table of a plugin's own holding visitors' personal data, declared in
 * `contributes.personalData` so the kernel's privacy jobs reach it without knowing the plugin:
 * a visitor's export includes its rows, erasing the visitor deletes them (in the same transaction
 * as the core's rows, before them, so a foreign key to `core_visitors` is fine), and retention
 * deletes rows older than the tenant's retention period and every row of a visitor it removes.
 *
 * Declarations are checked once the migrations have run: one naming a missing table or column is
 * logged as an error naming the plugin and skipped. Exports include the tables of plugins in
 * service (active, or waiting for their activation event); erase and retention reach the tables
 * of every configured plugin, disabled ones too, since their rows are still stored.
 * `GET /api/v1/privacy/tables` lists the declared tables and any skipped declaration.
 * @example
 * ```json
 * "personalData": [
 *   { "table": "notes", "visitorColumn": "visitor_id", "tenantColumn": "tenant_id", "createdAtColumn": "created_at" }
 * ]
 * ```
 * @public
 */
export interface PersonalDataDeclaration {
  /**
   * The table, resolved exactly as `ctx.db.tableName()` resolves a name: either the name without
   * the plugin's prefix (`notes` in plugin `visitor-notes` means `visitor_notes_notes`) or the full
   * name (`visitor_notes_notes`); the prefix is added unless the name already starts with it. A
   * plugin can therefore only declare its own tables.
   */
  readonly table: string;
  /**
   * Column holding the visitor id (`core_visitors.id`) a row belongs to. Give this or
   * `conversationColumn`, not both.
   */
  readonly visitorColumn?: string;
  /**
   * Column holding the id of the conversation (`core_conversations.id`) a row belongs to: the row
   * is exported and erased with that conversation's visitor, and goes when retention removes the
   * conversation. For data about a chat rather than about a person (notes, threads about it).
   */
  readonly conversationColumn?: string;
  /** Column holding the tenant id; when set, every query is also scoped by it. */
  readonly tenantColumn?: string;
  /**
   * Column with the row's creation time in epoch milliseconds. When set, retention deletes rows
   * older than the tenant's cutoff; without it, rows go only with their visitor.
   */
  readonly createdAtColumn?: string;
}

/**
 * A permission a plugin defines. The short form (a string) is granted to admins and
 * supervisors; the long form names the roles that hold it, e.g. agents for a tool they use
 * every day. Operators' tokens hold every permission.
 * @public
 */
export type PermissionContribution =
  | string
  | {
      readonly id: string;
      readonly roles?: readonly ('admin' | 'supervisor' | 'agent')[];
      readonly description?: string;
    };

/** The `switchboard` field of a plugin's package.json. @public */
export interface PluginManifest {
  readonly id: string;
  readonly displayName: string;
  readonly description?: string;
  readonly dependencies?: readonly string[];
  readonly activationEvents?: readonly string[];
  readonly contributes?: {
    readonly configuration?: Readonly<Record<string, unknown>>;
    readonly permissions?: readonly PermissionContribution[];
    readonly slots?: readonly SlotContribution[];
    readonly migrations?: string;
    readonly personalData?: readonly PersonalDataDeclaration[];
  };
}

/** A slot contribution as served by `GET /api/v1/ui/contributions`. @public */
export interface UiContribution {
  readonly pluginId: string;
  readonly slot: UiSlot;
  /** URL the app imports the module from. */
  readonly moduleUrl: string;
  readonly element: string;
  readonly order: number;
  readonly title: string | null;
  readonly permission: string | null;
}
