import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';
import type { Operation } from '../../src/api/operation.js';
import { expectedDialect } from '../support/kernel.js';
import {
  callHttp,
  callWs,
  chatCoreOf,
  describeAnswer,
  isSuccess,
  isValidationError,
  operationsOf,
  pathParams,
  type Answer,
} from '../support/operation-calls.js';
import { RawSocket, sleep } from '../support/raw-socket.js';
import { uniqueSuffix } from '../support/schema-input.js';
import {
  CALLERS,
  PREFIX,
  allowedCallers,
  digestDiff,
  idCases,
  idOf,
  inputFor,
  normalised,
  requiredOf,
  tokenOf,
  type Caller,
  type IdCase,
  type IdKind,
} from '../support/id-matrix.js';
import {
  createFixtureTenant,
  idsOf,
  leakedIds,
  missingId,
  tableDigest,
  uploadFile,
  type FixtureTenant,
} from '../support/tenant-fixture.js';
import { startVisitor } from '../support/chat.js';

/**
 * Id fields that filter a list: another tenant's id finds nothing, like a missing id, so a 2xx
 * with an empty list is the right answer for both. Any other id field must never answer 2xx
 * with another tenant's id.
 */
const FILTER_FIELDS = new Set([
  'conversation.list.assignedAgentId',
  'conversation.list.visitorId',
  // Reads "another tenant's log as an empty one" (privacy-operations.ts); other lists answer 404.
  'audit.list.tenantId',
]);

/** Raw (non-registry) routes with path parameters, and the kind of each parameter. */
const KNOWN_RAW_ROUTES: Record<string, Record<string, IdKind>> = {
  'POST /api/v1/conversations/:conversationId/attachments': { conversationId: 'conversation' },
  'GET /api/v1/attachments/:attachmentId': { attachmentId: 'attachment' },
};

/**
 * Operations whose own-id call destroys what later calls need (a deleted department, an erased
 * visitor, a retired embed key): their own-id check runs on a fresh tenant of its own.
 */
const DESTRUCTIVE = new Set([
  'conversation.end',
  'departments.delete',
  'privacy.eraseVisitor',
  // A new embed key: later visitor sessions on the old one are refused.
  'sites.rotateEmbedKey',
]);

/** Operations only a visitor may call. */
function isVisitorOnly(op: Operation): boolean {
  return !op.public && op.principals?.length === 1 && op.principals[0] === 'visitor';
}

function filesUnder(dir: string): number {
  let count = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    count += statSync(path).isDirectory() ? filesUnder(path) : 1;
  }
  return count;
}

describe('Tenant isolation: every operation answers another tenant’s ids like missing ones', function () {
  this.timeout(180_000);
  let tk: TestKernel;
  let A: FixtureTenant;
  let B: FixtureTenant;
  let ops: Operation[];
  let cases: IdCase[];
  /** Missing-id answers of pass 1, by `case/caller/transport`, for the own-id pass. */
  const missingAnswers = new Map<string, Answer>();

  before(async () => {
    tk = await createTestKernel({
      config: {
        auth: { scryptLog2N: 12, loginPerMinute: 10_000, visitorSessionsPerMinute: 10_000 },
      },
    });
    A = await createFixtureTenant(tk, 'A');
    B = await createFixtureTenant(tk, 'B');
    ops = operationsOf(tk);
    cases = idCases(ops).cases;
  });
  after(() => tk?.stop());

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  it('knows the kind of every id field of every operation and raw route', () => {
    const { unknown } = idCases(ops);
    for (const router of chatCoreOf(tk).chat.routers) {
      for (const layer of router.stack) {
        const params = pathParams(String(layer.path));
        if (params.length === 0) continue;
        for (const method of layer.methods.filter((m) => m !== 'HEAD')) {
          const known = KNOWN_RAW_ROUTES[`${method} ${layer.path}`];
          for (const param of params) {
            if (!known?.[param]) unknown.push(`raw route ${method} ${layer.path} :${param}`);
          }
        }
      }
    }
    expect(
      unknown,
      'These id fields are not in the isolation matrix: add an operation field to ID_KINDS (or ' +
        'CLIENT_CHOSEN) in core/test/support/id-matrix.ts; a raw route to KNOWN_RAW_ROUTES here, ' +
        'with a test of its own like the attachment routes below',
    ).to.deep.equal([]);
    expect(cases.length, 'the matrix found no id fields at all').to.be.greaterThan(20);
  });

  it('answers B’s ids exactly like missing ids, never with a success, and writes nothing (REST and socket)', async () => {
    const sockets = new Map<Caller, RawSocket>();
    for (const caller of CALLERS) {
      sockets.set(caller, (await RawSocket.connect(tk.url, tokenOf(A, caller))).socket);
    }
    const violations: string[] = [];
    const freshTokens = new Map<RawSocket, string>();
    let checked = 0;
    try {
      for (const c of cases) {
        const missing = missingId(PREFIX[c.kind]);
        for (const caller of allowedCallers(c.op)) {
          const transports: ('http' | 'ws')[] = [];
          if (c.op.http) transports.push('http');
          if (!c.op.httpOnly) transports.push('ws');
          for (const transport of transports) {
            // A visitor-only operation (a chat request) acts on the visitor's own state: each
            // call gets a fresh visitor (made before the digest), so an open chat cannot answer.
            const fresh: RawSocket[] = [];
            if (caller === 'visitor' && isVisitorOnly(c.op)) {
              for (let i = 0; i < 2; i++) {
                const token = (await startVisitor(tk, A.embedKey)).token;
                fresh.push((await RawSocket.connect(tk.url, token)).socket);
                freshTokens.set(fresh.at(-1)!, token);
              }
            }
            const call = async (value: string) => {
              const input = inputFor(c, value, A);
              const own = fresh.shift();
              if (own) {
                const answer =
                  transport === 'http'
                    ? await callHttp(tk, c.op, input, freshTokens.get(own)!)
                    : await callWs(own, c.op.name, input);
                await own.close();
                return answer;
              }
              return transport === 'http'
                ? callHttp(tk, c.op, input, c.op.public ? null : tokenOf(A, caller))
                : callWs(sockets.get(caller)!, c.op.name, input);
            };
            const before = await tableDigest(tk);
            const foreign = await call(idOf(B, c.kind));
            const absent = await call(missing);
            const after = await tableDigest(tk);
            checked++;
            missingAnswers.set(`${c.key}/${caller}/${transport}`, absent);
            const where = `${c.key} as A's ${caller} over ${transport}`;
            if (foreign.status !== absent.status || foreign.code !== absent.code) {
              violations.push(
                `${where}: B's id answered ${describeAnswer(foreign)}, a missing id ${describeAnswer(absent)}`,
              );
            } else if (isSuccess(foreign)) {
              if (!FILTER_FIELDS.has(c.key)) {
                violations.push(`${where}: B's id answered ${describeAnswer(foreign)}`);
              } else if (normalised(foreign, idOf(B, c.kind)) !== normalised(absent, missing)) {
                violations.push(`${where}: B's id and a missing id gave different lists`);
              }
            }
            const leaked = leakedIds(
              foreign.body,
              idsOf(B).filter((id) => id !== idOf(B, c.kind)),
            );
            if (leaked.length > 0)
              violations.push(`${where}: the answer shows B's ids ${leaked.join(', ')}`);
            const changed = digestDiff(before, after);
            if (changed.length > 0) violations.push(`${where}: wrote to ${changed.join(', ')}`);
          }
        }
      }
    } finally {
      for (const socket of sockets.values()) await socket.close();
    }
    expect(violations, `${violations.length} of ${checked} checks failed`).to.deep.equal([]);
  });

  it('serves a file to its own tenant only, and stores none into B’s conversations', async () => {
    const problems: string[] = [];
    const download = async (id: string, token: string) => {
      const res = await fetch(`${tk.url}/api/v1/attachments/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      let code: string | null = null;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
      } catch {
        // A file body.
      }
      return { status: res.status, code, text };
    };
    for (const caller of CALLERS) {
      const token = tokenOf(A, caller);
      const own = await download(A.attachmentId, token);
      if (own.status !== 200)
        problems.push(`A's ${caller} cannot download A's file: ${own.status}`);
      const absent = await download(missingId('att'), token);
      for (const [what, id] of [
        ["B's file", B.attachmentId],
        ["B's internal file", B.internalAttachmentId],
      ] as const) {
        const foreign = await download(id, token);
        if (foreign.status !== absent.status || foreign.code !== absent.code) {
          problems.push(
            `A's ${caller} downloading ${what}: ${foreign.status} ${foreign.code}, missing: ${absent.status} ${absent.code}`,
          );
        }
        if (foreign.text.includes('file body'))
          problems.push(`A's ${caller} got the bytes of ${what}`);
      }
      const files = filesUnder(tk.dataDir);
      const before = await tableDigest(tk);
      const query = { filename: 'planted.txt', contentType: 'text/plain' };
      const intoB = await uploadFile(tk, token, B.conversationId, query, 'planted by A');
      const intoMissing = await uploadFile(tk, token, missingId('cnv'), query, 'planted by A');
      if (
        intoB.status !== intoMissing.status ||
        intoB.body?.error?.code !== intoMissing.body?.error?.code
      ) {
        problems.push(
          `A's ${caller} uploading into B's conversation: ${intoB.status} ${JSON.stringify(intoB.body)}, missing: ${intoMissing.status}`,
        );
      }
      if (intoB.status < 300) problems.push(`A's ${caller} stored a file in B's conversation`);
      const changed = digestDiff(before, await tableDigest(tk));
      if (changed.length > 0)
        problems.push(
          `A's ${caller} uploading into B's conversation wrote to ${changed.join(', ')}`,
        );
      if (filesUnder(tk.dataDir) !== files)
        problems.push(`A's ${caller} uploading into B's conversation left a file on disk`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('never shows B’s ids in anything A’s users and visitor can read without naming an id', async () => {
    const readers = ops.filter(
      (op) => (op.http?.method === 'GET' || !op.http) && requiredOf(op).length === 0 && !op.public,
    );
    const names = readers.map((op) => op.name);
    for (const list of [
      'conversation.list',
      'conversation.queue',
      'visitors.list',
      'users.list',
      'sites.list',
      'audit.list',
      'departments.list',
    ]) {
      expect(names, `${list} is no longer a parameterless read`).to.include(list);
    }
    const leaks: string[] = [];
    const bIds = idsOf(B);
    const tokens = {
      ...Object.fromEntries(CALLERS.map((c) => [c, tokenOf(A, c)])),
      supervisor: A.supervisor.token,
    };
    for (const [caller, token] of Object.entries(tokens)) {
      const { socket } = await RawSocket.connect(tk.url, token);
      for (const op of readers) {
        const answers: Answer[] = [];
        if (op.http) answers.push(await callHttp(tk, op, {}, token));
        if (!op.httpOnly) answers.push(await callWs(socket, op.name, {}));
        for (const answer of answers) {
          const leaked = leakedIds(answer.body, bIds);
          if (leaked.length > 0)
            leaks.push(
              `${op.name} as A's ${caller} over ${answer.transport}: ${leaked.join(', ')}`,
            );
        }
      }
      await socket.close();
    }
    // The lists did list A's own things, so an empty answer cannot pass for isolation.
    const listed = await callHttp(
      tk,
      ops.find((o) => o.name === 'conversation.list')!,
      {},
      A.admin.token,
    );
    expect(JSON.stringify(listed.body)).to.contain(A.conversationId);
    const queue = await callHttp(
      tk,
      ops.find((o) => o.name === 'conversation.queue')!,
      {},
      A.agent.token,
    );
    expect(JSON.stringify(queue.body)).to.contain(A.waitingConversationId);
    expect(leaks).to.deep.equal([]);
  });

  it('refuses a tenantId naming B in every write, over REST and the socket, writing nothing', async () => {
    const writes = ops.filter((op) => op.http?.method !== 'GET');
    const problems: string[] = [];
    for (const op of writes) {
      const caller = allowedCallers(op)[0];
      if (!caller) continue; // system-only (tenants.create): a tenant user cannot call it at all
      const c: IdCase = {
        op,
        field: 'tenantId',
        kind: 'tenant',
        array: false,
        key: `${op.name}.tenantId`,
      };
      const input = inputFor(c, B.tenantId, A);
      const token = op.public ? null : tokenOf(A, caller);
      const answers: Answer[] = [];
      const before = await tableDigest(tk);
      if (op.http) answers.push(await callHttp(tk, op, input, token));
      if (!op.httpOnly) {
        const { socket } = await RawSocket.connect(tk.url, tokenOf(A, caller));
        answers.push(await callWs(socket, op.name, input));
        await socket.close();
      }
      const changed = digestDiff(before, await tableDigest(tk));
      for (const answer of answers) {
        if (isSuccess(answer))
          problems.push(`${op.name} as A's ${caller} with B's tenantId: ${describeAnswer(answer)}`);
      }
      if (changed.length > 0)
        problems.push(
          `${op.name} as A's ${caller} with B's tenantId wrote to ${changed.join(', ')}`,
        );
    }
    // The raw upload route reads its options from the query; B's tenantId must change nothing of B.
    const bBefore = await tableDigest(tk, B.tenantId);
    await uploadFile(tk, A.agent.token, A.conversationId, {
      filename: 'x.txt',
      contentType: 'text/plain',
      tenantId: B.tenantId,
    });
    const changedB = digestDiff(bBefore, await tableDigest(tk, B.tenantId));
    if (changedB.length > 0)
      problems.push(`an upload naming B's tenantId wrote B's ${changedB.join(', ')}`);
    expect(problems).to.deep.equal([]);
  });

  it('pushes none of B’s events to A’s sockets', async () => {
    const watchers = await Promise.all(
      [A.admin.token, A.supervisor.token, A.agent.token, A.visitor.token].map(
        async (token) => (await RawSocket.connect(tk.url, token)).socket,
      ),
    );
    // B's side does one of everything that publishes an event.
    await tk.request(
      'POST',
      `/api/v1/conversations/${B.conversationId}/messages`,
      { body: 'B visitor speaks' },
      B.visitor.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${B.conversationId}/messages`,
      { body: 'B agent answers' },
      B.agent.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${B.conversationId}/messages`,
      { body: 'B note', visibility: 'internal' },
      B.agent.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${B.conversationId}/typing`,
      { typing: true },
      B.agent.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${B.conversationId}/typing`,
      { typing: true },
      B.visitor.token,
    );
    await tk.request('POST', '/api/v1/presence', { presence: 'away' }, B.agent.token);
    await tk.request(
      'POST',
      '/api/v1/visitor/page-views',
      { url: 'https://b.example/page' },
      B.visitor.token,
    );
    await tk.request('PUT', '/api/v1/visitor/data', { data: { plan: 'gold' } }, B.visitor.token);
    await tk.request(
      'POST',
      `/api/v1/conversations/${B.waitingConversationId}/pick`,
      {},
      B.agent.token,
    );
    // Then A's side speaks: once every A socket has that, B's events would have arrived too.
    // A plain message sends a conversation update only when the colour changes: the agent's
    // message and then the visitor's make sure the last one turns the chat yellow.
    const marker = `A control ${uniqueSuffix()}`;
    await tk.request(
      'POST',
      `/api/v1/conversations/${A.conversationId}/messages`,
      { body: marker },
      A.agent.token,
    );
    await tk.request(
      'POST',
      `/api/v1/conversations/${A.conversationId}/messages`,
      { body: `${marker} (visitor)` },
      A.visitor.token,
    );
    for (const socket of watchers) {
      await socket.waitFor(
        (f) =>
          f.type === 'conversation.updated' &&
          f.conversation?.id === A.conversationId &&
          (f.conversation.colour === 'yellow' || f.conversation.colour === undefined),
        5000,
        'the update of the control message',
      );
    }
    await sleep(50);
    const leaks: string[] = [];
    for (const [i, socket] of watchers.entries()) {
      const leaked = leakedIds(socket.frames, idsOf(B));
      if (leaked.length > 0) leaks.push(`socket ${i}: ${leaked.join(', ')}`);
      await socket.close();
    }
    expect(leaks).to.deep.equal([]);
  });

  it('answers subscribe and resume naming B’s conversation exactly like a missing one', async () => {
    const missing = missingId('cnv');
    const problems: string[] = [];
    for (const caller of CALLERS) {
      const { socket } = await RawSocket.connect(tk.url, tokenOf(A, caller));
      const foreign = await callWs(socket, 'conversation.subscribe', {
        conversationId: B.conversationId,
      });
      const absent = await callWs(socket, 'conversation.subscribe', { conversationId: missing });
      if (foreign.code !== absent.code || isSuccess(foreign)) {
        problems.push(
          `subscribe as A's ${caller}: B's ${describeAnswer(foreign)}, missing ${describeAnswer(absent)}`,
        );
      }
      await socket.close();
      const resumed = await RawSocket.connect(tk.url, tokenOf(A, caller), {
        [B.conversationId]: 0,
        [missing]: 0,
      });
      const outcome = resumed.hello.result.resumed as Record<string, unknown>;
      if (JSON.stringify(outcome[B.conversationId]) !== JSON.stringify(outcome[missing])) {
        problems.push(
          `resume as A's ${caller}: B's ${JSON.stringify(outcome[B.conversationId])}, missing ${JSON.stringify(outcome[missing])}`,
        );
      }
      await sleep(30);
      // The hello answer names the conversations the client asked about; nothing else may.
      const named = new Set([B.conversationId]);
      const leaked = leakedIds(
        resumed.socket.frames,
        idsOf(B).filter((id) => !named.has(id)),
      );
      if (leaked.length > 0)
        problems.push(`resume as A's ${caller} replayed B's ${leaked.join(', ')}`);
      await resumed.socket.close();
    }
    expect(problems).to.deep.equal([]);
  });

  it('subscribes and resumes A’s own conversation, so the checks above are not vacuous', async () => {
    const { socket } = await RawSocket.connect(tk.url, A.agent.token);
    const own = await callWs(socket, 'conversation.subscribe', {
      conversationId: A.conversationId,
    });
    await socket.close();
    expect(own.status, describeAnswer(own)).to.equal(200);
    const resumed = await RawSocket.connect(tk.url, A.visitor.token, { [A.conversationId]: 0 });
    await resumed.socket.close();
    expect(resumed.hello.result.resumed[A.conversationId]).to.have.property('replayed').above(0);
  });

  it('gives a new visitor, never B’s, for B’s cookie id with A’s embed key', async () => {
    const bBefore = await tableDigest(tk, B.tenantId);
    const res = await tk.request(
      'POST',
      '/api/v1/visitor/session',
      { embedKey: A.embedKey, cookieId: B.visitor.cookieId },
      null,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.visitor.id).not.to.equal(B.visitor.visitorId);
    expect(
      leakedIds(
        res.body,
        idsOf(B).filter((id) => id !== B.visitor.cookieId),
      ),
    ).to.deep.equal([]);
    expect(digestDiff(bBefore, await tableDigest(tk, B.tenantId))).to.deep.equal([]);
  });

  it('refuses a chat request naming B’s department like an unknown department, storing no chat', async () => {
    const answers: Answer[] = [];
    const op = ops.find((o) => o.name === 'conversation.request')!;
    for (const departmentId of [B.departmentId, missingId('dep')]) {
      const visitor = await startVisitor(tk, A.embedKey);
      answers.push(await callHttp(tk, op, { departmentId }, visitor.token));
    }
    const [foreign, absent] = answers as [Answer, Answer];
    expect(foreign.code, describeAnswer(foreign)).to.equal(absent.code);
    expect(foreign.status, describeAnswer(foreign)).to.equal(absent.status);
    expect(isSuccess(foreign), `B's department was accepted: ${describeAnswer(foreign)}`).to.equal(
      false,
    );
    const stored = await tk
      .knex('core_conversations')
      .where({ department_id: B.departmentId, tenant_id: A.tenantId });
    expect(stored).to.deep.equal([]);
  });
  it('refuses a transfer target naming B’s department or agent like an unknown one, storing nothing', async () => {
    /** A fresh chat of A, picked by A's agent (a transfer moves it, so each call needs one). */
    const activeChat = async () => {
      const visitor = await startVisitor(tk, A.embedKey);
      const requested = await tk.request('POST', '/api/v1/conversations', {}, visitor.token);
      const id = requested.body.conversation.id as string;
      await tk.request('POST', `/api/v1/conversations/${id}/pick`, {}, A.agent.token);
      return id;
    };
    const transfer = async (target: Record<string, unknown>) => {
      const id = await activeChat();
      const res = await tk.request(
        'POST',
        `/api/v1/conversations/${id}/transfer`,
        { target },
        A.agent.token,
      );
      return { status: res.status, code: res.body?.error?.code ?? null, id };
    };
    const problems: string[] = [];
    const variants: [string, (value: string) => Record<string, unknown>, string, string][] = [
      ['department', (value) => ({ kind: 'department', value }), B.departmentId, missingId('dep')],
      ['agent', (value) => ({ kind: 'agent', value }), B.agent.id, missingId('usr')],
      [
        'fallback department',
        (value) => ({
          kind: 'any',
          fallbackAfterMs: 1000,
          fallback: { kind: 'department', value },
        }),
        B.departmentId,
        missingId('dep'),
      ],
    ];
    for (const [what, target, foreignId, absentId] of variants) {
      const foreign = await transfer(target(foreignId));
      const absent = await transfer(target(absentId));
      if (foreign.status !== absent.status || foreign.code !== absent.code) {
        problems.push(
          `${what}: B's ${foreign.status} ${foreign.code}, missing ${absent.status} ${absent.code}`,
        );
      }
      if (foreign.status < 300) problems.push(`${what}: B's id accepted (${foreign.status})`);
      const stored = await tk.knex('core_conversations').where({ id: foreign.id }).first('target');
      if (String(stored?.target).includes(foreignId))
        problems.push(`${what}: B's id stored in the target`);
    }
    expect(problems).to.deep.equal([]);
  });

  // Last: the own-id calls change A (a transfer, renames, a picked chat).
  it('reaches each handler with A’s own ids, so the matrix tests the handlers and not the validator', async () => {
    const problems: string[] = [];
    const ordered = [
      ...cases.filter((c) => c.op.http?.method === 'GET'),
      ...cases.filter((c) => c.op.http?.method !== 'GET' && !DESTRUCTIVE.has(c.op.name)),
      ...cases.filter((c) => c.op.http?.method !== 'GET' && DESTRUCTIVE.has(c.op.name)),
    ];
    let fresh = 0;
    for (const c of ordered) {
      const caller = allowedCallers(c.op)[0];
      if (!caller) continue; // system-only: no tenant user can call it at all
      const transport = c.op.http ? 'http' : 'ws';
      const t = DESTRUCTIVE.has(c.op.name) ? await createFixtureTenant(tk, `C${++fresh}`) : A;
      const input = inputFor(c, idOf(t, c.kind), t);
      // A visitor-only operation on a conversation acts on the visitor's own; the others
      // (a new chat, an offline message) get a fresh visitor so A's open chat is no obstacle.
      const token =
        isVisitorOnly(c.op) && c.kind !== 'conversation'
          ? (await startVisitor(tk, t.embedKey)).token
          : tokenOf(t, caller);
      let own: Answer;
      if (transport === 'http') {
        own = await callHttp(tk, c.op, input, c.op.public ? null : token);
      } else {
        const { socket } = await RawSocket.connect(tk.url, token);
        own = await callWs(socket, c.op.name, input);
        await socket.close();
      }
      const absent = missingAnswers.get(`${c.key}/${caller}/${transport}`);
      const where = `${c.key} as ${caller} with its own id (${JSON.stringify(input)})`;
      if (isValidationError(own) || own.status === 401 || own.status === 403) {
        problems.push(`${where}: ${describeAnswer(own)}: fix the generated input (hints, EXTRAS)`);
      } else if (!isSuccess(own) && absent && own.code === absent.code) {
        problems.push(`${where}: answered like a missing id, ${describeAnswer(own)}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
