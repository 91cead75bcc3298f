import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import type { Operation } from '../../src/api/operation.js';
import { startVisitor } from '../support/chat.js';
import { validInput } from '../support/fuzz-arbitraries.js';
import { propertiesOf } from '../support/id-matrix.js';
import { expectedDialect } from '../support/kernel.js';
import { callHttp, callWs, operationsOf, type Answer } from '../support/operation-calls.js';
import { RawSocket } from '../support/raw-socket.js';
import { createFixtureTenant, type FixtureTenant } from '../support/tenant-fixture.js';

/**
 * Deterministic bad input, generated from the operation registry: every string field with a NUL
 * character, every string field at its longest, every unbounded integer past 32 bits, and the
 * operator token on operations meant for visitors or users. Whatever the field, the answer is a
 * 4xx (or a success), never a 5xx: the first three are what the fuzz suite found on PostgreSQL,
 * the last on both databases.
 */

/** Run last: their valid calls remove what other calls need. */
const LAST = [
  'conversation.end',
  'departments.delete',
  'privacy.eraseVisitor',
  'sites.rotateEmbedKey',
];
/** Never called: it would sign the caller out for every later call. */
const SKIPPED = new Set(['auth.logout']);

function ordered(ops: readonly Operation[]): Operation[] {
  const rank = (op: Operation) => (LAST.includes(op.name) ? 1 + LAST.indexOf(op.name) : 0);
  return ops.filter((op) => !SKIPPED.has(op.name)).sort((a, b) => rank(a) - rank(b));
}

/** Who calls `op`: anyone (public), a tenant admin, a fresh visitor, or the operator. */
async function tokenFor(tk: TestKernel, op: Operation, t: FixtureTenant): Promise<string | null> {
  if (op.public) return null;
  const kinds = op.principals ?? ['user', 'system'];
  if (kinds.includes('user')) return t.admin.token;
  // Visitor-only operations start chats: a fresh visitor has none open yet.
  if (kinds.includes('visitor')) return (await startVisitor(tk, t.embedKey)).token;
  return tk.adminToken;
}

function stringFields(op: Operation): string[] {
  return Object.entries(propertiesOf(op))
    .filter(([, schema]) => schema?.type === 'string' && !Array.isArray(schema.enum))
    .map(([name]) => name);
}

describe('Bad input the fuzzer found: every field, every operation, never a 5xx', function () {
  this.timeout(120_000);
  let tk: TestKernel;
  let ops: Operation[];

  before(async () => {
    tk = await createTestKernel({
      config: {
        auth: { scryptLog2N: 12, loginPerMinute: 1_000_000, visitorSessionsPerMinute: 1_000_000 },
      },
    });
    ops = operationsOf(tk);
  });
  after(() => tk?.stop());

  /** Calls `op` over REST (and the socket when it is a frame type), listing 5xx answers. */
  async function serverErrors(
    op: Operation,
    input: Record<string, unknown>,
    token: string | null,
    label: string,
  ): Promise<string[]> {
    const answers: Answer[] = [];
    if (op.http) answers.push(await callHttp(tk, op, input, token));
    if (!op.httpOnly && token !== null) {
      const { socket } = await RawSocket.connect(tk.url, token);
      answers.push(await callWs(socket, op.name, input));
      await socket.close();
    }
    const failed = answers.filter((a) => a.status >= 500 || a.code === 'INTERNAL');
    if (failed.length === 0) return [];
    return [`${label}: ${failed.map((a) => `${a.transport} ${a.code ?? a.status}`).join(', ')}`];
  }

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('answers a NUL character in any string field or path id with a 4xx, not a database error', async () => {
    const t = await createFixtureTenant(tk, 'N');
    const errors: string[] = [];
    for (const op of ordered(ops)) {
      for (const field of stringFields(op)) {
        const input = { ...validInput(op, t), [field]: 'a\u0000b' };
        const label = `${op.name} ${field}="a\\u0000b"`;
        errors.push(...(await serverErrors(op, input, await tokenFor(tk, op, t), label)));
      }
    }
    for (const id of ['conversations/a%00b', 'attachments/a%00b', 'visitors/a%00b']) {
      const res = await tk.request('GET', `/api/v1/${id}`, undefined, t.admin.token);
      if (res.status >= 500) errors.push(`GET /api/v1/${id}: ${res.status}`);
    }
    expect(errors).to.deep.equal([]);
  });

  it('answers every string field at its longest, in multi-byte characters, without a database error', async () => {
    const t = await createFixtureTenant(tk, 'L');
    const errors: string[] = [];
    for (const op of ordered(ops)) {
      for (const field of stringFields(op)) {
        const schema = propertiesOf(op)[field];
        const max = schema.maxLength as number | undefined;
        if (!max) continue;
        const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : null;
        const value = ['é', 'x'].map((c) => c.repeat(max)).find((v) => !pattern || pattern.test(v));
        if (value === undefined) continue;
        const input = { ...validInput(op, t), [field]: value };
        const label = `${op.name} ${field} of ${max} "${value[0]}"`;
        errors.push(...(await serverErrors(op, input, await tokenFor(tk, op, t), label)));
      }
    }
    // A language tag has no maxLength, only a pattern that repeats; its column holds 35.
    const tag = `en${'-abcdefgh'.repeat(8)}`;
    const body = { embedKey: t.embedKey, language: tag };
    const res = await tk.request('POST', '/api/v1/visitor/session', body, null);
    if (res.status >= 500) {
      errors.push(`visitor.startSession language of ${tag.length} characters: ${res.status}`);
    }
    expect(errors).to.deep.equal([]);
  });

  it('answers integers past 32 bits in unbounded integer fields and resume seqs without a database error', async () => {
    const t = await createFixtureTenant(tk, 'I');
    const errors: string[] = [];
    for (const op of ordered(ops)) {
      for (const [field, schema] of Object.entries(propertiesOf(op))) {
        if (schema?.type !== 'integer' || schema.maximum !== undefined) continue;
        for (const value of [2 ** 31, 2 ** 53, 1e21]) {
          const input = { ...validInput(op, t), [field]: value };
          const label = `${op.name} ${field}=${value}`;
          errors.push(...(await serverErrors(op, input, await tokenFor(tk, op, t), label)));
        }
      }
    }
    for (const [who, token] of [
      ['visitor', t.visitor.token],
      ['agent', t.agent.token],
    ] as const) {
      for (const seq of [2 ** 31, 1e21]) {
        const socket = await RawSocket.open(tk.url);
        socket.send({
          id: 'h',
          type: 'hello',
          data: { token, resume: { [t.conversationId]: seq } },
        });
        // A hello that fails on the server is answered with id null.
        const answer = await socket.waitFor((f) => f.type === 'ack' || f.type === 'error');
        await socket.close();
        if (answer.type === 'error' && answer.error?.code === 'INTERNAL') {
          errors.push(
            `hello of the ${who} resuming from seq ${seq}: INTERNAL, close ${socket.closeCode}`,
          );
        }
      }
    }
    expect(errors).to.deep.equal([]);
  });

  it('answers the operator token on operations for visitors or users with a 4xx, not a crash', async () => {
    const t = await createFixtureTenant(tk, 'S');
    const errors: string[] = [];
    for (const op of ordered(ops)) {
      if (op.public || !op.principals || op.principals.includes('system')) continue;
      const label = `${op.name} (for ${op.principals.join(', ')}) with the operator token`;
      errors.push(...(await serverErrors(op, validInput(op, t), tk.adminToken, label)));
    }
    expect(errors).to.deep.equal([]);
  });
});
