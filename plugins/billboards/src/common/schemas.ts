/**
 * JSON Schemas of the request bodies. They check the structure; limits that need a friendly
 * explanation (text length, safe links, dates, intervals) are checked by the server's
 * `checkBillboard`, which reports every problem at once.
 */

const WINDOW = { type: ['string', 'null'], pattern: '^[a-z0-9][a-z0-9-]{0,39}$' } as const;
const TIME = { type: ['integer', 'null'], minimum: 0 } as const;

const fields = {
  kind: { enum: ['text', 'link', 'image'] },
  text: { type: 'string', maxLength: 10_000 },
  linkUrl: { type: ['string', 'null'], maxLength: 10_000 },
  imageId: { type: ['string', 'null'], maxLength: 64 },
  enabled: { type: 'boolean' },
  intervalSeconds: { type: ['integer', 'null'] },
  startsAt: TIME,
  endsAt: TIME,
} as const;

/** Body of `POST /billboards`. */
export const createBillboardSchema = {
  type: 'object',
  required: ['siteId', 'kind', 'text'],
  additionalProperties: false,
  properties: {
    siteId: { type: 'string', minLength: 1, maxLength: 40 },
    window: WINDOW,
    ...fields,
  },
} as const;

/** Body of `PATCH /billboards/:id` (site and window are fixed once created). */
export const updateBillboardSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: fields,
} as const;

/** Body of `PUT /order`. */
export const orderSchema = {
  type: 'object',
  required: ['siteId', 'ids'],
  additionalProperties: false,
  properties: {
    siteId: { type: 'string', minLength: 1, maxLength: 40 },
    window: WINDOW,
    ids: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string' } },
  },
} as const;

/** Body of `POST /billboards/:id/impressions` and `/clicks`. */
export const eventSchema = {
  type: 'object',
  required: ['conversationId'],
  additionalProperties: false,
  properties: { conversationId: { type: 'string', minLength: 1, maxLength: 40 } },
} as const;
