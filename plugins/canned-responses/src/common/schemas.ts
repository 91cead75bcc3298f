/** A saved answer. */
export interface CannedResponse {
  id: string;
  shortcut: string;
  text: string;
  createdAt: number;
}

/** Per-tenant settings (mirrors contributes.configuration in package.json). */
export interface CannedResponsesSettings {
  trigger: string;
  expandInMessages: boolean;
}

/** Body of `POST /responses`. */
export const createResponseSchema = {
  type: 'object',
  required: ['shortcut', 'text'],
  additionalProperties: false,
  properties: {
    shortcut: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' },
    text: { type: 'string', minLength: 1, maxLength: 4000 },
  },
} as const;
