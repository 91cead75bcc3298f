import type { JsonSchema } from '../forms/json-schema.js';
import type { DepartmentRecord } from './admin-types.js';

/**
 * The admin forms, as JSON Schemas for `<sb-schema-form>`. They mirror the input schemas of the
 * server's operations (core/src/accounts/schemas.ts, site-branding.ts, site-operations.ts,
 * user-operations.ts) with titles and help added; the server checks everything again, and its
 * problems land on the same fields.
 */

const domain: JsonSchema = {
  type: 'string',
  maxLength: 253,
  pattern:
    '^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
  'x-pattern-hint': 'a host name such as shop.example.com or *.example.com',
};

const origin: JsonSchema = {
  type: 'string',
  maxLength: 300,
  pattern: '^https?://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$',
  'x-pattern-hint': 'an origin such as https://shop.example.com (no path, no trailing slash)',
};

/** Name, domains and allowed origins of a site (`sites.create` / `sites.update`). */
export const siteSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, title: 'Site name' },
    domains: {
      type: 'array',
      maxItems: 50,
      items: domain,
      title: 'Domains',
      description: 'Host names the chat runs on, for your records, e.g. shop.example.com.',
    },
    allowedOrigins: {
      type: 'array',
      maxItems: 50,
      items: origin,
      title: 'Allowed origins',
      description:
        'Only pages on these origins may embed the chat window and call the API, e.g. https://shop.example.com. Leave empty to allow any.',
    },
  },
};

const prechatField: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'label', 'type'],
  title: 'Pre-chat field',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z][A-Za-z0-9_]{0,39}$',
      title: 'Key',
      description: 'Stored as prechat.<key>: a letter, then letters, digits or _.',
      'x-pattern-hint': 'a letter followed by letters, digits or _ (at most 40)',
    },
    label: { type: 'string', minLength: 1, maxLength: 100, title: 'Label shown to the visitor' },
    type: {
      title: 'Type',
      default: 'text',
      oneOf: [
        { const: 'text', title: 'Text' },
        { const: 'email', title: 'Email' },
        { const: 'tel', title: 'Phone' },
        { const: 'select', title: 'Choice list' },
        { const: 'textarea', title: 'Long text' },
      ],
    },
    required: { type: 'boolean', title: 'The visitor must answer' },
    options: {
      type: 'array',
      maxItems: 50,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 100 },
      title: 'Choices',
      description: 'Only for a choice list.',
    },
  },
};

const lookProperties: Record<string, JsonSchema> = {
  title: {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    title: 'Title',
    description: 'Header of the chat window; the site name when empty.',
  },
  colour: {
    type: 'string',
    pattern: '^#[0-9A-Fa-f]{6}$',
    title: 'Accent colour',
    description: 'As #rrggbb, e.g. #1f6feb.',
    'x-placeholder': '#1f6feb',
    'x-pattern-hint': 'a colour written #rrggbb, e.g. #1f6feb',
  },
  greeting: {
    type: 'string',
    maxLength: 500,
    title: 'Greeting',
    description: 'The first line the visitor reads.',
    'x-multiline': true,
  },
  logoUrl: {
    type: 'string',
    maxLength: 2000,
    pattern: '^https://[^\\s]+$',
    title: 'Logo URL',
    'x-pattern-hint': 'an https:// address',
  },
  position: {
    title: 'Position on the page',
    oneOf: [
      { const: 'bottom-right', title: 'Bottom right' },
      { const: 'bottom-left', title: 'Bottom left' },
    ],
  },
  prechatFields: {
    type: 'array',
    maxItems: 20,
    items: prechatField,
    title: 'Pre-chat fields',
    description: 'What the visitor is asked before the chat starts.',
  },
  offlineMessage: {
    type: 'string',
    maxLength: 1000,
    title: 'Message when nobody is online',
    'x-multiline': true,
  },
};

/** A site's branding: the default chat window and named, branded variants. */
export const brandingSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...lookProperties,
    chatWindows: {
      type: 'object',
      maxProperties: 20,
      title: 'Branded chat windows',
      description:
        'Named variants (e.g. sales, support); each overrides the default look key by key. Embed one with data-window="<name>".',
      propertyNames: {
        pattern: '^[a-z0-9][a-z0-9-]{0,39}$',
        description: 'Lower-case letters, digits and dashes, e.g. sales.',
        'x-pattern-hint': 'lower-case letters, digits and dashes (e.g. sales)',
      },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        title: 'Chat window',
        properties: lookProperties,
      },
    },
  },
};

const labels = (title: string, description: string): JsonSchema => ({
  type: 'array',
  maxItems: 50,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 60 },
  title,
  description,
});

/** The user form: `sites.create` needs a password, `edit` offers a new one and "disabled". */
export function userSchema(
  mode: 'create' | 'edit',
  departments: readonly DepartmentRecord[],
  inUse: { skills: readonly string[]; groups: readonly string[] },
): JsonSchema {
  const hint = (list: readonly string[]) => (list.length > 0 ? ` In use: ${list.join(', ')}.` : '');
  return {
    type: 'object',
    additionalProperties: false,
    required: mode === 'create' ? ['email', 'name', 'role', 'password'] : [],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, title: 'Name' },
      email: { type: 'string', format: 'email', maxLength: 254, title: 'Email' },
      role: {
        title: 'Role',
        default: mode === 'create' ? 'agent' : undefined,
        oneOf: [
          { const: 'agent', title: 'Agent' },
          { const: 'supervisor', title: 'Supervisor' },
          { const: 'admin', title: 'Admin' },
        ],
      },
      password: {
        type: 'string',
        format: 'password',
        minLength: 10,
        maxLength: 200,
        title: mode === 'create' ? 'Password' : 'New password',
        description:
          mode === 'create'
            ? '10 to 200 characters; a passphrase of several words is easy to remember.'
            : 'Leave empty to keep the current one. Setting one signs the user out everywhere.',
      },
      capacity: {
        type: 'integer',
        minimum: 0,
        maximum: 50,
        title: 'Capacity',
        description:
          'How many chats at once (0 to 50). Leave empty for the tenant default when creating.',
      },
      skills: labels(
        'Skills',
        `Routing can send chats to agents with a skill.${hint(inUse.skills)}`,
      ),
      groups: labels('Groups', `Teams the user belongs to.${hint(inUse.groups)}`),
      departmentIds: {
        type: 'array',
        uniqueItems: true,
        maxItems: 50,
        title: 'Departments',
        items: {
          oneOf: departments.map((d) => ({ const: d.id, title: d.name })),
        },
      },
      ...(mode === 'edit'
        ? {
            disabled: {
              type: 'boolean',
              title: 'Disabled (cannot sign in; signed out at once)',
            },
          }
        : {}),
    },
  };
}

/** A department (`departments.create` / `departments.update`). */
export function departmentSchema(sites: readonly { id: string; name: string }[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, title: 'Department name' },
      siteId: {
        title: 'Site',
        description: 'Leave "Not set" to serve every site.',
        oneOf: sites.map((s) => ({ const: s.id, title: s.name })),
      },
    },
  };
}
