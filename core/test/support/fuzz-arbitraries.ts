import fc from 'fast-check';
import type { Operation } from '../../src/api/operation.js';
import { ID_KINDS, hintsFor, idOf, propertiesOf, requiredOf, type IdKind } from './id-matrix.js';
import { minimalObject } from './schema-input.js';
import { missingId, type FixtureTenant } from './tenant-fixture.js';

/**
 * Generators of hostile input for the fuzz suite: values of every JSON type and then some
 * (huge numbers, lone surrogates, prototype keys, deep nesting), ids real and made up, frames
 * and request bodies that are almost valid, and text that is not JSON at all.
 */

/** Numbers that break naive code: past 2^53, past bigint, denormals, negative zero. */
export const hugeNumbers = fc.constantFrom(
  1e21,
  1e308,
  -1e308,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  9007199254740993,
  5e-324,
  -0,
  -1,
  0.5,
  2147483648,
);

/** Strings that break naive code: traversal, NULs, SQL, templates, lone surrogates, size. */
export const junkStrings = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    "' OR 1=1 --",
    '"; DROP TABLE core_messages; --',
    '${7*7}{{7*7}}',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'null',
    'undefined',
    'NaN',
    '1e308',
    '-1',
    '<script>alert(1)</script>',
    '\u202e\u200b\ufeff',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉👩‍👩‍👧',
    'a'.repeat(300),
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ maxLength: 40 }),
);

/** A long string, below the socket's frame limit even at four bytes a character. */
export const longStrings = fc
  .tuple(fc.constantFrom('x', 'é', '𝔘', '\u0000', '<'), fc.integer({ min: 1000, max: 12_000 }))
  .map(([c, n]) => c.repeat(n));

/** Ids: the fixture's real ones, well-formed missing ones, and junk. */
export function idPool(t: FixtureTenant): fc.Arbitrary<string> {
  const real = [
    t.tenantId,
    t.siteId,
    t.departmentId,
    t.admin.id,
    t.agent.id,
    t.supervisor.id,
    t.visitor.visitorId,
    t.conversationId,
    t.waitingConversationId,
    t.attachmentId,
    t.internalAttachmentId,
    ...t.messageIds,
  ];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...real) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('cnv', 'vis', 'usr', 'ten', 'att', 'dep', 'site').map(missingId),
    },
    { weight: 2, arbitrary: junkStrings },
  );
}

/** Any value a field might be sent. */
export function fieldValue(t: FixtureTenant): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: hugeNumbers },
    { weight: 2, arbitrary: junkStrings },
    { weight: 2, arbitrary: idPool(t) },
    { weight: 1, arbitrary: longStrings },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

/** A valid input of `op` for the fixture's callers (own ids in every required id field). */
export function validInput(op: Operation, t: FixtureTenant): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of requiredOf(op)) {
    const kind = (ID_KINDS as Record<string, IdKind>)[name];
    if (kind)
      fields[name] = propertiesOf(op)[name]?.type === 'array' ? [idOf(t, kind)] : idOf(t, kind);
  }
  try {
    return minimalObject(op.input, fields, hintsFor(op, t));
  } catch {
    return fields;
  }
}

/**
 * Input for `op` that is almost valid: a valid one with one field set to a random value, one
 * required field dropped, an unknown field added, or left as is.
 */
export function nearlyValidInput(
  ops: readonly Operation[],
  t: FixtureTenant,
): fc.Arbitrary<{ op: Operation; input: Record<string, unknown> }> {
  return fc.constantFrom(...ops).chain((op) => {
    const keys = Object.keys(propertiesOf(op));
    return fc
      .record({
        mode: fc.constantFrom('set', 'set', 'set', 'drop', 'extra', 'as-is'),
        key: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x'),
        extraKey: fc.oneof(
          junkStrings,
          fc.constantFrom('tenantId', 'seq', 'role', 'id', 'visibility'),
        ),
        value: fieldValue(t),
      })
      .map(({ mode, key, extraKey, value }) => {
        const input = validInput(op, t);
        if (mode === 'set') input[key] = value;
        else if (mode === 'drop') delete input[requiredOf(op)[0] ?? key];
        else if (mode === 'extra') input[extraKey] = value;
        return { op, input };
      });
  });
}

/** JSON text nested `depth` levels deep. */
export function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** JSON text with prototype-poisoning keys, in the data of a frame of `type` or as a body. */
export function poisonedJson(type: string, id: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    `{"id":"${id}","type":"${type}","data":{"__proto__":{"polluted":"yes"}}}`,
    `{"id":"${id}","type":"${type}","data":{"constructor":{"prototype":{"polluted":"yes"}}}}`,
    `{"id":"${id}","type":"${type}","data":{"prototype":{"polluted":"yes"},"constructor":1}}`,
    `{"__proto__":{"id":"${id}","type":"${type}"}}`,
    `{"id":"${id}","type":"${type}","data":{"a":{"__proto__":{"polluted":"yes"}}}}`,
    `{"id":"${id}","type":"__proto__","data":{}}`,
    `{"id":"${id}","type":"constructor","data":{}}`,
  );
}

/** Text that is not JSON, or barely. */
export const notJson = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '{',
    '}',
    '{"id":',
    '[1,2',
    'null',
    'true',
    '1',
    '""',
    '{"id":"x"',
    '\u0000',
    '{"id":"x","type":"ping"}garbage',
    '{"a":1}{"b":2}',
    '\ufeff{"id":"b","type":"ping"}',
    "{'id':'x'}",
  ),
);
