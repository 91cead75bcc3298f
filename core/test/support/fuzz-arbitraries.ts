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

/** A frame to send: its text, and whether it goes as a binary frame. */
export interface GeneratedFrame {
  readonly text: string;
  readonly binary: boolean;
}

/** A frame of any kind: JSON junk, near-valid envelopes, poisoned keys, nesting, binary. */
export function frameArbitrary(
  frameOps: readonly Operation[],
  F: FixtureTenant,
): fc.Arbitrary<GeneratedFrame> {
  const types = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        ...frameOps.map((op) => op.name),
        'ping',
        'conversation.subscribe',
        'conversation.unsubscribe',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'hello',
        'auth.login',
        'visitor.startSession',
        'auth.changePassword',
      ),
    },
    { weight: 1, arbitrary: junkStrings },
  );
  const frameId = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 1e9 }).map((n) => `g${n}`) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        junkStrings,
        fc.constant('x'.repeat(129)),
        fc.integer(),
        fc.constant(null),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
  );
  const json = (value: unknown): GeneratedFrame => ({
    text: JSON.stringify(value) ?? 'null',
    binary: false,
  });
  return fc.oneof(
    // A JSON value of any shape.
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    // An envelope with random data.
    {
      weight: 3,
      arbitrary: fc
        .record(
          {
            id: frameId,
            type: types,
            data: fc.oneof(
              fc.dictionary(fc.oneof(junkStrings, fc.string({ maxLength: 10 })), fieldValue(F), {
                maxKeys: 5,
              }),
              fc.jsonValue({ maxDepth: 2 }),
            ),
          },
          { requiredKeys: ['id', 'type'] },
        )
        .map(json),
    },
    // A real operation with nearly valid data: reaches the handlers.
    {
      weight: 6,
      arbitrary: fc
        .tuple(nearlyValidInput(frameOps, F), frameId)
        .map(([{ op, input }, id]) => json({ id, type: op.name, data: input })),
    },
    // Subscriptions to anything.
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('conversation.subscribe', 'conversation.unsubscribe'),
          idPool(F),
          frameId,
        )
        .map(([type, conversationId, id]) => json({ id, type, data: { conversationId } })),
    },
    // Prototype-poisoning keys.
    {
      weight: 1,
      arbitrary: fc
        .tuple(types, fc.integer({ min: 0, max: 1e6 }))
        .chain(([t, n]) =>
          poisonedJson(typeof t === 'string' ? t.replace(/["\\]/g, '') : 'x', `p${n}`),
        )
        .map((text) => ({ text, binary: false })),
    },
    // Deep nesting inside data.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 120 }), types).map(([depth, type]) => ({
        text: `{"id":"d${depth}","type":${JSON.stringify(type)},"data":{"x":${nested(depth)}}}`,
        binary: false,
      })),
    },
    // Lone surrogates and NUL written as escapes (JSON.stringify would not produce them).
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('\\ud800', '\\udfff', '\\u0000', '\\ud83d\\ude00\\ud800'),
          fc.integer({ min: 0, max: 1e9 }),
        )
        .map(([s, n]) => ({
          text: `{"id":"s${n}","type":"conversation.send","data":{"conversationId":"${F.conversationId}","body":"${s}"}}`,
          binary: false,
        })),
    },
    // Not JSON, and binary frames.
    { weight: 1, arbitrary: notJson.map((text) => ({ text, binary: false })) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((bytes) => ({ text: Buffer.from(bytes).toString('latin1'), binary: true })),
    },
  );
}
