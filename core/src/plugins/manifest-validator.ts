import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import semver from 'semver';
import type { PluginManifest } from '@switchboard/sdk';
import { SchemaValidator } from '../validation.js';
import type { PluginSource } from './plugin-discovery.js';
import type { PluginProblem } from './plugin-problem.js';

const require = createRequire(import.meta.url);

/** The published JSON Schema of a plugin's package.json (shipped by the sdk). */
export const manifestSchema: object = JSON.parse(
  readFileSync(require.resolve('@switchboard/sdk/manifest.schema.json'), 'utf8'),
) as object;

/** A plugin whose package passed every check. */
export interface ValidPlugin {
  readonly source: PluginSource;
  readonly manifest: PluginManifest;
  readonly packageName: string;
  readonly version: string;
  readonly main: string;
}

const FIXES: Record<string, string> = {
  '/switchboard/id': 'give "switchboard.id" a kebab-case id such as "my-plugin".',
  '/engines/switchboard': 'add "engines": { "switchboard": "^1.0.0" } to package.json.',
};

/** Fixes for problems at any index of an array, by the path's shape. */
const PATTERN_FIXES: readonly [RegExp, string][] = [
  [
    /^\/switchboard\/contributes\/personalData\/\d+$/,
    'give the entry exactly one of "visitorColumn" (its rows are about a visitor) or "conversationColumn" (about one of their chats).',
  ],
];

/** Checks one plugin package against the schema, the kernel version and its own files. */
export function validatePluginPackage(
  source: PluginSource,
  validator: SchemaValidator,
  kernelVersion: string,
): { plugin?: ValidPlugin; problems: PluginProblem[] } {
  const pkg = source.packageJson;
  const manifestId = (pkg.switchboard as { id?: unknown } | undefined)?.id;
  const who =
    typeof manifestId === 'string' && manifestId ? manifestId : String(pkg.name ?? source.entry);
  const problems: PluginProblem[] = [];
  const add = (message: string, fix: string) => problems.push({ plugin: who, message, fix });

  for (const p of validator.problems(manifestSchema, structuredClone(pkg))) {
    const where = p.path === '/' ? 'package.json' : `package.json ${p.path}`;
    const fix =
      FIXES[p.path] ??
      PATTERN_FIXES.find(([pattern]) => pattern.test(p.path))?.[1] ??
      (p.message.includes('"id"')
        ? 'add "switchboard": { "id": "my-plugin", "displayName": "My plugin" } to package.json.'
        : `correct ${where} as described (schema: @switchboard/sdk/manifest.schema.json).`);
    add(`${where} ${p.message}.`, fix);
  }
  if (problems.length > 0) return { problems };

  const manifest = pkg.switchboard as PluginManifest;
  const range = (pkg.engines as { switchboard: string }).switchboard;
  if (!semver.validRange(range)) {
    add(
      `engines.switchboard "${range}" is not a valid semver range.`,
      'use a range such as "^1.0.0".',
    );
  } else if (!semver.satisfies(kernelVersion, range)) {
    add(
      `needs Switchboard ${range}, but this kernel is ${kernelVersion} (engine mismatch).`,
      `install a version of the plugin built for Switchboard ${semver.major(kernelVersion)}.x, or widen engines.switchboard if it is compatible.`,
    );
  }
  if (!semver.valid(String(pkg.version))) {
    add(`version "${String(pkg.version)}" is not valid semver.`, 'use a version such as "1.0.0".');
  }
  const configuration = manifest.contributes?.configuration;
  if (configuration) {
    const error = validator.schemaError(configuration);
    if (error) {
      add(
        `contributes.configuration is not a valid JSON Schema: ${error}.`,
        'fix the settings schema, e.g. { "type": "object", "properties": { "greeting": { "type": "string" } } }.',
      );
    }
  }
  const main = String(pkg.main);
  if (!existsSync(join(source.dir, main))) {
    add(
      `entry file ${main} does not exist in ${source.dir}.`,
      'build the plugin (npm run build) or correct "main".',
    );
  }
  const migrations = manifest.contributes?.migrations;
  if (migrations && !existsSync(join(source.dir, migrations))) {
    add(
      `migrations folder ${migrations} does not exist.`,
      'create it or correct contributes.migrations.',
    );
  }
  for (const slot of manifest.contributes?.slots ?? []) {
    if (!existsSync(join(source.dir, slot.module))) {
      add(
        `UI module ${slot.module} for slot ${slot.slot} does not exist.`,
        'build the plugin UI or correct contributes.slots[].module.',
      );
    }
  }
  if (problems.length > 0) return { problems };
  return {
    plugin: { source, manifest, packageName: String(pkg.name), version: String(pkg.version), main },
    problems,
  };
}
