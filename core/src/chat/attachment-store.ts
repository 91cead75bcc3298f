import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const KEY = /^[a-z0-9]{32}$/;

/**
 * Attachment bytes on local disk under `<dataDir>/attachments/<tenantId>/<key>`. Keys are random
 * and never derived from the file name, so a name can never steer the path. Writes go to a temp
 * file and are renamed into place after fsync, so a crash leaves no half file behind.
 */
export class AttachmentStore {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'attachments');
  }

  /** Stores `bytes`; returns the storage key. */
  async put(tenantId: string, bytes: Uint8Array): Promise<string> {
    const key = randomBytes(16).toString('hex');
    const dir = this.dirOf(tenantId);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${key}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, key));
    return key;
  }

  /** A read stream and size, or null when the file is gone. */
  async get(tenantId: string, key: string): Promise<{ stream: ReadStream; size: number } | null> {
    const path = this.pathOf(tenantId, key);
    try {
      const info = await stat(path);
      return { stream: createReadStream(path), size: info.size };
    } catch {
      return null;
    }
  }

  /** Deletes a file; a missing file is not an error. */
  async delete(tenantId: string, key: string): Promise<void> {
    await rm(this.pathOf(tenantId, key), { force: true });
  }

  private dirOf(tenantId: string): string {
    if (!/^[a-z0-9_]+$/i.test(tenantId)) throw new Error(`Bad tenant id "${tenantId}".`);
    return join(this.root, tenantId);
  }

  private pathOf(tenantId: string, key: string): string {
    if (!KEY.test(key)) throw new Error('Bad attachment key.');
    return join(this.dirOf(tenantId), key);
  }
}
