/**
 * Regenerates the operation paths of docs/openapi.json from the server's operation registry
 * (`npm run docs:openapi`). Hand-written entries (kernel and plugin routes) are kept; entries
 * marked `x-generated` are replaced. `--check` exits 1 when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { createTestKernel } from '@switchboard/sdk/testing';
import { operationPaths, type Kernel } from '@switchboard/core';

const file = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

export async function generatedOpenApi(): Promise<{ current: string; next: string }> {
  const tk = await createTestKernel({ database: 'sqlite' });
  try {
    const kernel = tk.kernel as Kernel;
    const generated = operationPaths(kernel.chat.registry.list());
    const current = readFileSync(file, 'utf8');
    const doc = JSON.parse(current) as {
      paths: Record<string, Record<string, unknown>>;
      tags: { name: string; description: string }[];
      components: { responses: Record<string, unknown> };
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if ((op as { 'x-generated'?: boolean })['x-generated']) delete item[method];
      }
      if (Object.keys(item).length === 0) delete doc.paths[path];
    }
    for (const [path, item] of Object.entries(generated)) {
      doc.paths[path] = { ...(doc.paths[path] ?? {}), ...item };
    }
    doc.paths = Object.fromEntries(
      Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b)),
    );
    const known = new Set(doc.tags.map((t) => t.name));
    for (const item of Object.values(generated)) {
      for (const op of Object.values(item) as { tags: string[] }[]) {
        for (const tag of op.tags) {
          if (!known.has(tag)) {
            known.add(tag);
            doc.tags.push({
              name: tag,
              description: `Chat core: ${tag} operations (REST and WebSocket)`,
            });
          }
        }
      }
    }
    doc.components.responses.Error ??= {
      description:
        'An error: `{ error: { code, message, details?, requestId } }`; codes in docs/errors.md.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
    // Formatted as prettier would, so `prettier --check` and this generator agree.
    const options = (await prettier.resolveConfig(file)) ?? {};
    const next = await prettier.format(JSON.stringify(doc, null, 2), {
      ...options,
      parser: 'json',
    });
    return { current, next };
  } finally {
    await tk.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { current, next } = await generatedOpenApi();
  if (process.argv.includes('--check')) {
    if (current !== next) {
      console.error('docs/openapi.json is out of date: run `npm run docs:openapi`.');
      process.exit(1);
    }
  } else {
    writeFileSync(file, next);
    console.log('docs/openapi.json updated');
  }
}
