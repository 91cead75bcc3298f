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

/** A table of personal data a plugin owns (retention, export and erase reach it). @public */
export interface PersonalDataDeclaration {
  readonly table: string;
  readonly visitorColumn: string;
  readonly tenantColumn?: string;
  readonly createdAtColumn?: string;
}

/** The `switchboard` field of a plugin's package.json. @public */
export interface PluginManifest {
  readonly id: string;
  readonly displayName: string;
  readonly description?: string;
  readonly dependencies?: readonly string[];
  readonly activationEvents?: readonly string[];
  readonly contributes?: {
    readonly configuration?: Readonly<Record<string, unknown>>;
    readonly permissions?: readonly string[];
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
