import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Writes a new plugin package at `<parent>/<id>`; returns its folder. Formats the files with the
 * project's prettier when one is installed, so a new plugin passes `npm run lint` as it is.
 */
export async function scaffoldPlugin(id: string, parent: string): Promise<string> {
  if (!ID.test(id) || id.length > 40) {
    throw new Error(
      `"${id}" is not a valid plugin id. Use kebab-case letters and digits, e.g. "visitor-notes".`,
    );
  }
  const dir = resolve(parent, id);
  if (existsSync(dir))
    throw new Error(`${dir} already exists. Pick another id or remove the folder.`);
  for (const sub of ['src/server', 'migrations', 'test'])
    mkdirSync(join(dir, sub), { recursive: true });
  const format = await loadFormatter();
  for (const [file, text] of Object.entries(templates(id))) {
    const path = join(dir, file);
    writeFileSync(path, await format(path, text));
  }
  return dir;
}

type Formatter = (path: string, text: string) => Promise<string>;

async function loadFormatter(): Promise<Formatter> {
  try {
    const prettier = (await import('prettier' as string)) as {
      format(text: string, options: object): Promise<string>;
      resolveConfig(path: string): Promise<object | null>;
    };
    return async (path, text) => {
      try {
        return await prettier.format(text, {
          ...(await prettier.resolveConfig(path)),
          filepath: path,
        });
      } catch {
        return text;
      }
    };
  } catch {
    return async (_path, text) => text;
  }
}

function templates(id: string): Record<string, string> {
  const camel = id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const table = `${id.replace(/-/g, '_')}_notes`;
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return {
    'package.json': json({
      name: `switchboard-plugin-${id}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      main: 'dist/server/index.js',
      engines: { switchboard: '^1.0.0' },
      scripts: { build: 'tsc -p .', test: 'mocha' },
      switchboard: {
        id,
        displayName: id,
        activationEvents: ['onStartup'],
        contributes: {
          configuration: {
            type: 'object',
            additionalProperties: false,
            properties: { greeting: { type: 'string', default: 'Hello', maxLength: 200 } },
          },
          migrations: 'migrations',
        },
      },
      dependencies: { '@switchboard/sdk': '^1.0.0' },
      devDependencies: {
        '@switchboard/core': '^1.0.0',
        '@types/mocha': '^10.0.10',
        '@types/node': '^20.19.0',
        chai: '^6.2.0',
        mocha: '^11.7.5',
        tsx: '^4.20.0',
        typescript: '~5.9.3',
      },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
    'test/tsconfig.json': json({
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..', types: ['node', 'mocha'] },
      include: ['**/*.ts'],
    }),
    '.mocharc.json': json({
      'node-option': ['import=tsx'],
      extension: ['ts'],
      spec: ['test/**/*.test.ts'],
      timeout: 20000,
      exit: true,
    }),
    'README.md': `# ${id}\n\nA Switchboard plugin. It counts conversations started per tenant in \`${table}\` and serves\n\`GET /api/v1/plugins/${id}/count?tenant=<id>\`.\n\n- Build: \`npm run build\`\n- Test: \`npm test\` (boots a real kernel with \`createTestKernel\`)\n`,
    [`migrations/20260101000000_create_${table}.js`]: `// @ts-check\n/** @param {import('knex').Knex} knex */\nexport async function up(knex) {\n  await knex.schema.createTable('${table}', (t) => {\n    t.increments('id');\n    t.string('tenant_id', 64).notNullable().index();\n    t.string('conversation_id', 64).notNullable();\n    t.bigInteger('created_at').notNullable();\n  });\n}\n\n/** @param {import('knex').Knex} knex */\nexport async function down(knex) {\n  await knex.schema.dropTable('${table}');\n}\n`,
    'src/server/index.ts': `import { definePlugin, requirePermission, tenantOf, type Principal } from '@switchboard/sdk';

/** ${id}: records every conversation start and reports the count per tenant. */
export const ${camel}Plugin = definePlugin({
  setup(ctx) {
    ctx.hooks.session.conversationStarted.tap(async (conversation) => {
      await ctx.db.table('notes').insert({
        tenant_id: conversation.tenantId,
        conversation_id: conversation.id,
        created_at: ctx.clock.now(),
      });
    });

    ctx.router.get('/count', requirePermission('plugins.read'), async (k) => {
      const tenant = tenantOf(k.state.principal as Principal, k.query.tenant as string | undefined);
      const row = await ctx.db.table('notes').where({ tenant_id: tenant }).count({ n: '*' }).first();
      k.body = { tenant, conversations: Number((row as { n: number | string } | undefined)?.n ?? 0) };
    });
  },
});

export default ${camel}Plugin;
`,
    [`test/${id}.test.ts`]: `import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));

describe('${id} plugin', () => {
  let tk: TestKernel;
  before(async () => {
    tk = await createTestKernel({ plugins: [pluginDir] });
  });
  after(() => tk.stop());

  it('is active after start', async () => {
    const res = await tk.request('GET', '/api/v1/plugins/${id}');
    expect(res.status).to.equal(200);
    expect(res.body.state).to.equal('active');
  });

  it('counts conversations started per tenant', async () => {
    const kernel = tk.kernel as { hooks: { session: { conversationStarted: { call(c: object): Promise<void> } } } };
    const now = tk.clock.now();
    const conversation = {
      id: 'c1', tenantId: 't1', siteId: 's1', visitorId: 'v1', state: 'waiting', assignedAgentId: null,
      departmentId: null, target: { kind: 'any' }, priority: 0, lastSeq: 0, createdAt: now, updatedAt: now, endedAt: null,
    };
    await kernel.hooks.session.conversationStarted.call(conversation);
    const res = await tk.request('GET', '/api/v1/plugins/${id}/count?tenant=t1');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ tenant: 't1', conversations: 1 });
  });
});
`,
  };
}
