import type { IncomingMessage } from 'node:http';
import { InputError, NotFoundError, requirePermission, type PluginContext } from '@switchboard/sdk';
import { BillboardLimits } from '../common/limits.js';
import type { BillboardsSettings } from '../common/types.js';
import { imageTooLarge } from './image-store.js';
import { tenantFor, type BillboardServices } from './manage-routes.js';

/** Reads the raw body, refusing it as soon as it passes `cap` bytes (the rest is discarded). */
async function readCapped(req: IncomingMessage, cap: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > cap) {
    req.resume();
    throw imageTooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > cap) {
      req.resume();
      throw imageTooLarge(null);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `POST /images` as JSON, for clients that only send JSON (the console's slot `api`). */
const imageJsonSchema = {
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: {
    data: { type: 'string', description: 'the image bytes, base64' },
  },
} as const;

function fromBase64(data: string): Buffer {
  const cap = BillboardLimits.imageMaxBytes;
  const clean = data.replace(/^data:[^,]*,/, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    throw new InputError(
      '/data is not base64; send the image bytes base64-encoded, or the raw bytes as application/octet-stream.',
      undefined,
      'BILLBOARDS_IMAGE_INVALID',
    );
  }
  const size = Math.floor((clean.length * 3) / 4) - (clean.match(/=+$/)?.[0].length ?? 0);
  if (size > cap) throw imageTooLarge(size);
  return Buffer.from(clean, 'base64');
}

/** Upload (managers) and serving (anyone: banners are public) of billboard images. */
export function registerImageRoutes(
  ctx: PluginContext<BillboardsSettings>,
  s: BillboardServices,
): void {
  const router = ctx.router;

  router.post('/images', requirePermission('billboards.manage'), async (k) => {
    const tenant = tenantFor(k);
    const type = (k.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
    const declared = (BillboardLimits.imageTypes as readonly string[]).includes(type) ? type : null;
    const bytes = k.is('application/json')
      ? fromBase64(ctx.validate<{ data: string }>(imageJsonSchema, k.request.body).data)
      : await readCapped(k.req, BillboardLimits.imageMaxBytes);
    k.status = 201;
    k.body = await s.images.save(tenant, bytes, declared);
  });

  router.get('/images/:id', async (k) => {
    const image = await s.images.get(k.params.id!);
    if (!image) throw new NotFoundError('No such image.', 'BILLBOARDS_IMAGE_NOT_FOUND');
    k.set('X-Content-Type-Options', 'nosniff');
    k.set('Content-Security-Policy', "default-src 'none'; sandbox");
    k.set('Cross-Origin-Resource-Policy', 'same-origin');
    k.set('Cache-Control', 'public, max-age=86400, immutable');
    k.type = image.contentType;
    k.body = image.data;
  });
}
