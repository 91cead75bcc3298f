import { randomUUID } from 'node:crypto';
import { InputError, type Clock, type PluginDatabase } from '@switchboard/sdk';
import { BillboardLimits, type ImageType } from '../common/limits.js';

/** An uploaded image, as the upload route answers. */
export interface StoredImage {
  readonly id: string;
  readonly contentType: ImageType;
  readonly size: number;
  readonly url: string;
}

/** Unreferenced uploads older than this are swept on the next upload of the tenant. */
const ORPHAN_AGE_MS = 24 * 60 * 60 * 1000;

/** Where the image route serves an image. */
export const imageUrl = (id: string): string => `/api/v1/plugins/billboards/images/${id}`;

/** The type the bytes are, by their magic numbers; null for anything else (SVG, HTML, …). */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  const starts = (sig: readonly number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(ascii('GIF87a')) || starts(ascii('GIF89a'))) return 'image/gif';
  if (starts(ascii('RIFF')) && starts(ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

interface ImageRow {
  id: string;
  tenant_id: string;
  content_type: string;
  size: number;
  data: Buffer;
  created_at: number | string;
}

/**
 * Banner images, stored in the database (so every server process can serve them and the
 * privacy of backups follows the database). Capped at {@link BillboardLimits.imageMaxBytes}.
 */
export class ImageStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores `bytes` after checking size and magic bytes. `declared` is the request's content type
   * when it names an image type; it must then match the bytes.
   */
  async save(tenantId: string, bytes: Buffer, declared: string | null): Promise<StoredImage> {
    const types = BillboardLimits.imageTypes.join(', ');
    if (bytes.length === 0) {
      throw new InputError(
        `The image is empty; send the file's bytes as the body (${types}).`,
        undefined,
        'BILLBOARDS_IMAGE_INVALID',
      );
    }
    if (bytes.length > BillboardLimits.imageMaxBytes) throw imageTooLarge(bytes.length);
    const type = sniffImage(bytes);
    if (!type) {
      throw new InputError(
        `The body is not a PNG, JPEG, GIF or WebP image (checked by its first bytes); convert it to one of ${types}.`,
        undefined,
        'BILLBOARDS_IMAGE_INVALID',
      );
    }
    if (declared && declared !== type) {
      throw new InputError(
        `The body is a ${type} image but was sent as ${declared}; send it with "Content-Type: ${type}" or application/octet-stream.`,
        undefined,
        'BILLBOARDS_IMAGE_INVALID',
      );
    }
    await this.sweepOrphans(tenantId);
    const row = {
      id: randomUUID(),
      tenant_id: tenantId,
      content_type: type,
      size: bytes.length,
      data: bytes,
      created_at: this.clock.now(),
    };
    await this.db.table('images').insert(row);
    return { id: row.id, contentType: type, size: row.size, url: imageUrl(row.id) };
  }

  /** The image to serve (any tenant: ids are unguessable and banners are public), or null. */
  async get(id: string): Promise<{ contentType: string; data: Buffer } | null> {
    const row = (await this.db
      .table<ImageRow>('images')
      .select('content_type', 'data')
      .where({ id })
      .first()) as Pick<ImageRow, 'content_type' | 'data'> | undefined;
    return row ? { contentType: row.content_type, data: Buffer.from(row.data) } : null;
  }

  async exists(tenantId: string, id: string): Promise<boolean> {
    const row = await this.db
      .table('images')
      .select('id')
      .where({ tenant_id: tenantId, id })
      .first();
    return Boolean(row);
  }

  /** Deletes the image unless a billboard still shows it. */
  async removeIfUnused(tenantId: string, id: string | null): Promise<void> {
    if (!id) return;
    const used = await this.db
      .table('items')
      .select('id')
      .where({ tenant_id: tenantId, image_id: id })
      .first();
    if (!used) await this.db.table('images').where({ tenant_id: tenantId, id }).delete();
  }

  /** Uploads never attached to a billboard within a day are deleted. */
  private async sweepOrphans(tenantId: string): Promise<void> {
    const items = this.db.tableName('items');
    await this.db
      .table('images')
      .where({ tenant_id: tenantId })
      .andWhere('created_at', '<', this.clock.now() - ORPHAN_AGE_MS)
      .whereNotIn(
        'id',
        this.db
          .knex(items)
          .select('image_id')
          .where({ tenant_id: tenantId })
          .whereNotNull('image_id'),
      )
      .delete();
  }
}

/** 400 for an image over the cap, saying how far over it is. */
export function imageTooLarge(size: number | null): InputError {
  const cap = BillboardLimits.imageMaxBytes;
  const got = size === null ? 'larger than' : `${size} bytes, over`;
  return new InputError(
    `The image is ${got} the ${cap / 1024} KB limit (${cap} bytes); resize or compress it.`,
    { maxBytes: cap },
    'BILLBOARDS_IMAGE_TOO_LARGE',
  );
}
