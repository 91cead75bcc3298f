import {
  InputError,
  type PrechatField,
  type SiteBranding,
  type WindowLook,
} from '@switchboard/sdk';

// The types are the sdk's, so plugins (`ChatTokens.Sites`) and the core read the same shape.
export type { PrechatField, WindowLook };
/** A site's branding: the default window plus named variants (e.g. `sales`, `support`). */
export type Branding = SiteBranding;

const prechatFieldSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'label', 'type'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$' },
    label: { type: 'string', minLength: 1, maxLength: 100 },
    type: { enum: ['text', 'email', 'tel', 'select', 'textarea'] },
    required: { type: 'boolean' },
    options: {
      type: 'array',
      maxItems: 50,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
} as const;

const lookProperties = {
  title: { type: 'string', minLength: 1, maxLength: 100 },
  colour: { type: 'string', pattern: '^#[0-9A-Fa-f]{6}$' },
  greeting: { type: 'string', maxLength: 500 },
  logoUrl: { type: 'string', maxLength: 2000, format: 'uri', pattern: '^https://[^\\s]+$' },
  position: { enum: ['bottom-right', 'bottom-left'] },
  prechatFields: { type: 'array', maxItems: 20, items: prechatFieldSchema },
  offlineMessage: { type: 'string', maxLength: 1000 },
} as const;

/** Name of a chat window: lower-case letters, digits and dashes. */
export const WINDOW_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';

/** JSON Schema of a site's branding (used in the site operations' input schemas). */
export const brandingSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...lookProperties,
    chatWindows: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { pattern: WINDOW_NAME_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: lookProperties,
      },
    },
  },
} as const;

/**
 * Checks what the schema cannot say: a `select` has options and other types have none, and field
 * names are unique within a window. Throws one 400 `SITE_BRANDING_INVALID` naming every problem.
 * The input is assumed to have passed {@link brandingSchema}.
 */
export function checkBranding(branding: Branding): void {
  const problems: { path: string; message: string }[] = [];
  const checkFields = (fields: readonly PrechatField[] | undefined, at: string) => {
    const seen = new Set<string>();
    (fields ?? []).forEach((field, i) => {
      const path = `${at}/prechatFields/${i}`;
      if (seen.has(field.name)) {
        problems.push({ path, message: `repeats the field name "${field.name}"; names are keys` });
      }
      seen.add(field.name);
      if (field.type === 'select' && !field.options?.length) {
        problems.push({ path, message: 'is a select: give it "options" (at least one)' });
      }
      if (field.type !== 'select' && field.options !== undefined) {
        problems.push({ path, message: `is of type "${field.type}": only a select has "options"` });
      }
    });
  };
  checkFields(branding.prechatFields, '/branding');
  for (const [name, look] of Object.entries(branding.chatWindows ?? {})) {
    checkFields(look.prechatFields, `/branding/chatWindows/${name}`);
  }
  if (problems.length > 0) {
    throw new InputError(
      `Invalid branding: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`,
      { problems },
      'SITE_BRANDING_INVALID',
    );
  }
}

/** Defaults the widget falls back to. */
const DEFAULT_LOOK = {
  colour: '#1f6feb',
  position: 'bottom-right',
  greeting: 'Hi! How can we help?',
  offlineMessage: 'We are away right now. Leave a message and we will get back to you.',
} as const;

/** The look of one window, everything filled in: what the widget shows. */
export interface ResolvedLook {
  readonly title: string;
  readonly colour: string;
  readonly greeting: string;
  readonly logoUrl: string | null;
  readonly position: 'bottom-right' | 'bottom-left';
  readonly prechatFields: readonly PrechatField[];
  readonly offlineMessage: string;
}

/**
 * The look of window `name` (or the default window): the window's keys over the site's default
 * keys over built-in defaults. An unknown window name falls back to the default window, so a
 * stale embed snippet still shows a working widget.
 */
export function resolveLook(
  branding: Branding,
  siteName: string,
  name?: string,
): { window: string | null; look: ResolvedLook } {
  const windows = branding.chatWindows ?? {};
  const variant = name && Object.hasOwn(windows, name) ? windows[name] : undefined;
  const pick = <K extends keyof WindowLook>(key: K): WindowLook[K] =>
    variant?.[key] ?? branding[key];
  return {
    window: variant ? name! : null,
    look: {
      title: pick('title') ?? siteName,
      colour: pick('colour') ?? DEFAULT_LOOK.colour,
      greeting: pick('greeting') ?? DEFAULT_LOOK.greeting,
      logoUrl: pick('logoUrl') ?? null,
      position: pick('position') ?? DEFAULT_LOOK.position,
      prechatFields: (pick('prechatFields') ?? []).map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        required: f.required ?? false,
        ...(f.type === 'select' ? { options: [...(f.options ?? [])] } : {}),
      })),
      offlineMessage: pick('offlineMessage') ?? DEFAULT_LOOK.offlineMessage,
    },
  };
}
