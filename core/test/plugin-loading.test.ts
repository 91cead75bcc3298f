import { expect } from 'chai';
import { Kernel, PluginLoadError, resolveConfig, type PluginProblem } from '@switchboard/core';
import { clearJournal, journal } from './support/journal.js';
import { fixture } from './support/kernel.js';

/** Starts a kernel on the given config entries and returns the error it refuses to start with. */
async function refusal(entries: string[]): Promise<PluginLoadError> {
  const config = resolveConfig(
    { plugins: entries, logLevel: 'silent', port: 0, database: { filename: ':memory:' } },
    { baseDir: process.cwd(), env: {} },
  );
  const kernel = new Kernel({ config });
  try {
    await kernel.start();
  } catch (error) {
    expect(error).to.be.instanceOf(PluginLoadError);
    return error as PluginLoadError;
  } finally {
    await kernel.stop();
  }
  throw new Error(`the kernel started with ${entries.join(', ')}`);
}

/**
 * Asserts the error has one line about `plugin` saying each of `says`, with `fix` after "Fix:",
 * and returns the structured problem.
 */
function expectProblem(
  error: PluginLoadError,
  plugin: string,
  expected: { says: string[]; fix: string },
): PluginProblem {
  const lines = error.message.split('\n').filter((l) => l.includes(`Plugin "${plugin}":`));
  expect(lines, `one line about ${plugin} in:\n${error.message}`).to.have.length(1);
  const [what, fix] = lines[0]!.split(' Fix: ');
  for (const fragment of expected.says) expect(what).to.contain(fragment);
  expect(fix, 'the fix').to.contain(expected.fix);
  return error.problems.find((p) => p.plugin === plugin)!;
}

describe('Loading plugins', () => {
  beforeEach(clearJournal);

  it('refuses a plugin without an id, naming its package and how to add one', async () => {
    const error = await refusal([fixture('invalid-missing-id')]);
    expect(error.code).to.equal('PLUGIN_LOAD_FAILED');
    expectProblem(error, '@fixtures/invalid-missing-id', {
      says: ['/switchboard', 'missing required property "id"'],
      fix: 'add "switchboard": { "id": "my-plugin"',
    });
  });

  it('refuses an engines.switchboard that is not a semver range, naming the plugin and a valid range', async () => {
    const error = await refusal([fixture('invalid-engine-range')]);
    expectProblem(error, 'invalid-engine-range', {
      says: ['engines.switchboard "one point oh" is not a valid semver range'],
      fix: 'use a range such as "^1.0.0"',
    });
  });

  it('refuses a plugin built for another kernel version, naming both versions and the fix', async () => {
    const error = await refusal([fixture('invalid-engine-mismatch')]);
    expectProblem(error, 'invalid-engine-mismatch', {
      says: ['needs Switchboard ^2.0.0', 'this kernel is 1.0.0', 'engine mismatch'],
      fix: 'built for Switchboard 1.x, or widen engines.switchboard',
    });
  });

  it('refuses a dependency on a plugin that is not configured, naming both and the fix', async () => {
    const error = await refusal([fixture('invalid-unknown-dependency')]);
    expectProblem(error, 'invalid-unknown-dependency', {
      says: ['depends on "ghost"', 'unknown dependency'],
      fix: 'add "ghost" to "plugins" in the config, or remove it from invalid-unknown-dependency',
    });
  });

  it('refuses a dependency cycle once, printing the cycle as a path', async () => {
    const error = await refusal([fixture('invalid-cycle-a'), fixture('invalid-cycle-b')]);
    expect(error.problems).to.have.length(1);
    expectProblem(error, 'cycle-a', {
      says: ['dependency cycle: cycle-a → cycle-b → cycle-a'],
      fix: 'remove one of these dependencies',
    });
  });

  it('refuses two packages that declare the same id, naming both folders', async () => {
    const error = await refusal([
      fixture('invalid-duplicate-one'),
      fixture('invalid-duplicate-two'),
    ]);
    expectProblem(error, 'twin', {
      says: ['duplicate id', fixture('invalid-duplicate-one'), fixture('invalid-duplicate-two')],
      fix: 'give one of them another switchboard.id',
    });
  });

  it('refuses a settings schema that is not a valid JSON Schema, naming the plugin and an example', async () => {
    const error = await refusal([fixture('invalid-settings-schema')]);
    expectProblem(error, 'invalid-settings-schema', {
      says: ['contributes.configuration is not a valid JSON Schema', 'properties/greeting/type'],
      fix: 'fix the settings schema, e.g. { "type": "object"',
    });
  });

  it('refuses an onHook activation event that names no hook', async () => {
    const error = await refusal([fixture('invalid-hook-activation')]);
    expectProblem(error, 'invalid-hook-activation', {
      says: ['"onHook:session.nope" names no hook'],
      fix: 'use a hook from docs/hooks.md',
    });
  });

  it('refuses a personal-data table tied to both a visitor and a conversation', async () => {
    const error = await refusal([fixture('invalid-personal-data')]);
    expectProblem(error, 'invalid-personal-data', {
      says: ['/switchboard/contributes/personalData/0', 'must match exactly one schema in oneOf'],
      fix: 'exactly one of "visitorColumn" (its rows are about a visitor) or "conversationColumn"',
    });
  });

  it('refuses a plugin whose entry file was never built', async () => {
    const error = await refusal([fixture('invalid-missing-entry')]);
    expectProblem(error, 'invalid-missing-entry', {
      says: ['entry file dist/index.js does not exist'],
      fix: 'build the plugin (npm run build) or correct "main"',
    });
  });

  it('refuses config entries that name no plugin package, naming each entry and the fix', async () => {
    const error = await refusal(['./core/test/fixtures/nowhere', 'no-such-plugin']);
    expectProblem(error, './core/test/fixtures/nowhere', {
      says: ['no package.json in folder'],
      fix: 'point the entry at a plugin package folder',
    });
    expectProblem(error, 'no-such-plugin', {
      says: ['not found in plugin folders', 'nor in node_modules'],
      fix: 'npm install no-such-plugin',
    });
  });

  it('reports every problem of the plugin set at once, and nothing about the valid plugins', async () => {
    const error = await refusal([
      fixture('recorder-base'),
      fixture('invalid-missing-id'),
      fixture('invalid-engine-range'),
      fixture('invalid-engine-mismatch'),
      fixture('invalid-unknown-dependency'),
      fixture('invalid-cycle-a'),
      fixture('invalid-cycle-b'),
      fixture('invalid-duplicate-one'),
      fixture('invalid-duplicate-two'),
      fixture('invalid-settings-schema'),
    ]);
    expect(error.problems.map((p) => p.plugin)).to.have.members([
      '@fixtures/invalid-missing-id',
      'invalid-engine-range',
      'invalid-engine-mismatch',
      'invalid-unknown-dependency',
      'cycle-a',
      'twin',
      'invalid-settings-schema',
    ]);
    expect(error.message).to.match(/^7 plugin problems:\n/);
    expect(error.message).not.to.contain('recorder-base');
    for (const problem of error.problems) {
      expect(error.message).to.contain(`${problem.message} Fix: ${problem.fix}`);
    }
  });

  it('sets up no plugin at all when the set is refused', async () => {
    await refusal([fixture('recorder-base'), fixture('invalid-engine-mismatch')]);
    expect(journal()).to.deep.equal([]);
  });
});
