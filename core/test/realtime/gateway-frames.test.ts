import { request } from 'node:http';
import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import type { ChatCore } from '../../src/chat-core.js';
import { bootKernel, expectedDialect } from '../support/kernel.js';
import { chatOf, gatewayOf, TestSocket, TestTokens, until, withTestPrincipals } from './support.js';

const MAX_FRAME_BYTES = 4096;
const MAX_DEPTH = 6;

describe('The realtime gateway: hello and frames', () => {
  let tk: TestKernel;
  let removePrincipals: () => void;

  before(async () => {
    tk = await bootKernel([], {
      config: {
        realtime: { maxFrameBytes: MAX_FRAME_BYTES },
        http: { maxJsonDepth: MAX_DEPTH },
      },
    });
    removePrincipals = withTestPrincipals(tk);
    // Operations served over the socket exactly as over REST.
    chatOf(tk).registry.register(
      {
        name: 'test.echo',
        summary: 'Answers its input.',
        permission: null,
        principals: ['system', 'user'],
        input: {
          type: 'object',
          additionalProperties: false,
          properties: { text: { type: 'string', maxLength: 20 } },
        },
        handler: async (call) => ({ echoed: call.input, connectionId: call.connectionId }),
      },
      {
        name: 'test.refuse',
        summary: 'Throws a domain error of the kernel.',
        permission: null,
        principals: ['user', 'system'],
        input: { type: 'object', additionalProperties: false },
        handler: async (call) => {
          const policy: ChatCore['policy'] = chatOf(tk).policy;
          policy.authorize(call.principal, {
            permission: 'test.never',
            principals: ['user'],
          });
          return {};
        },
      },
      {
        name: 'test.crash',
        summary: 'Throws a plain error.',
        permission: null,
        input: { type: 'object', additionalProperties: false },
        handler: async () => {
          throw new Error('secret connection string postgres://u:p@db');
        },
      },
      {
        name: 'test.http-only',
        summary: 'Only over HTTP.',
        permission: null,
        httpOnly: true,
        input: { type: 'object', additionalProperties: false },
        handler: async () => ({}),
      },
    );
  });
  after(async () => {
    removePrincipals();
    await tk.stop();
  });

  it(`runs on the database this run uses (${expectedDialect})`, () => {
    expect(tk.dialect).to.equal(expectedDialect);
  });

  describe('hello', () => {
    it('answers a valid hello with the protocol, the principal, the heartbeat and the server time', async () => {
      const socket = await TestSocket.open(tk);
      const answer = await socket.request('hello', { token: tk.adminToken, protocol: 1 });
      expect(answer).to.deep.equal({
        type: 'ack',
        id: answer.id,
        result: {
          protocol: 1,
          principal: { kind: 'system', id: null, tenantId: null },
          heartbeatMs: 15000,
          serverTime: tk.clock.now(),
          resumed: {},
        },
      });
      await socket.close();
    });

    it('resolves user tokens through the same resolvers as the HTTP edge', async () => {
      const socket = await TestSocket.open(tk);
      const answer = await socket.request('hello', { token: TestTokens.agent });
      expect(answer.result.principal).to.deep.equal({ kind: 'user', id: 'u1', tenantId: 't1' });
      await socket.close();
    });

    it('closes with 4001 when the token is unknown, after saying why', async () => {
      const socket = await TestSocket.open(tk);
      const answer = await socket.request('hello', { token: 'not-a-token' });
      expect(answer.error.code).to.equal('AUTH_TOKEN_INVALID');
      expect((await socket.closed).code).to.equal(4001);
    });

    it('closes with 4001 when the first frame is not hello', async () => {
      const socket = await TestSocket.open(tk);
      const answer = await socket.request('ping');
      expect(answer.error.code).to.equal('REALTIME_HELLO_REQUIRED');
      expect((await socket.closed).code).to.equal(4001);
    });

    it('closes with 4001 when the first frame is not even JSON', async () => {
      const socket = await TestSocket.open(tk);
      socket.send('{"id":');
      expect((await socket.closed).code).to.equal(4001);
      expect(socket.frames[0]).to.deep.include({ type: 'error', id: null });
    });

    it('closes with 4001 when hello does not arrive within helloTimeoutMs', async () => {
      const socket = await TestSocket.open(tk);
      await until(() => gatewayOf(tk).stats().sockets >= 1, 'the socket to be accepted');
      await tk.clock.advance(9_999);
      expect(socket.isOpen).to.equal(true);
      await tk.clock.advance(1);
      const { code } = await socket.closed;
      expect(code).to.equal(4001);
      expect(socket.frames[0].error.code).to.equal('REALTIME_HELLO_TIMEOUT');
    });

    it('closes with 4002 when the client speaks another protocol version', async () => {
      const socket = await TestSocket.open(tk);
      const answer = await socket.request('hello', { token: tk.adminToken, protocol: 2 });
      expect(answer.error).to.deep.include({ code: 'REALTIME_PROTOCOL_UNSUPPORTED' });
      expect(answer.error.details).to.deep.equal({ supported: [1] });
      expect((await socket.closed).code).to.equal(4002);
    });

    it('refuses a second hello on the same socket and keeps the socket', async () => {
      const socket = await TestSocket.connect(tk, tk.adminToken);
      const again = await socket.request('hello', { token: tk.adminToken });
      expect(again.error.code).to.equal('REALTIME_HELLO_REPEATED');
      expect((await socket.request('ping')).type).to.equal('ack');
      await socket.close();
    });
  });

  describe('frames after hello', () => {
    let socket: TestSocket;
    beforeEach(async () => {
      socket = await TestSocket.connect(tk, tk.adminToken);
    });
    afterEach(async () => {
      if (socket.isOpen) await socket.close();
    });

    it('acks ping with the server time, echoing the frame id', async () => {
      socket.send({ id: 'my-ping-1', type: 'ping' });
      const answer = await socket.next((f) => f.id === 'my-ping-1');
      expect(answer).to.deep.equal({
        type: 'ack',
        id: 'my-ping-1',
        result: { at: tk.clock.now() },
      });
    });

    it('serves an operation of the registry and acks its result', async () => {
      const answer = await socket.request('test.echo', { text: 'hi' });
      expect(answer.type).to.equal('ack');
      expect(answer.result.echoed).to.deep.equal({ text: 'hi' });
      expect(answer.result.connectionId).to.match(/^ws_/);
    });

    it('answers the input validation of the operation as an error frame', async () => {
      const answer = await socket.request('test.echo', { text: 'x'.repeat(21), extra: 1 });
      expect(answer.error.code).to.equal('REQUEST_INVALID');
      expect(answer.error.details.problems).to.have.length(2);
    });

    it('answers a domain error with its code, message and details', async () => {
      const agent = await TestSocket.connect(tk, TestTokens.agent);
      const answer = await agent.request('test.refuse', {});
      expect(answer).to.deep.equal({
        type: 'error',
        id: answer.id,
        error: {
          code: 'AUTH_FORBIDDEN',
          message: 'This needs the "test.never" permission.',
          details: { permission: 'test.never' },
        },
      });
      await agent.close();
    });

    it('answers any other failure with INTERNAL and a reference, never the message', async () => {
      const answer = await socket.request('test.crash', {});
      expect(answer.error.code).to.equal('INTERNAL');
      expect(answer.error.message).to.match(/^Internal server error\. Reference: ws_\S+\.$/);
      expect(JSON.stringify(answer)).not.to.contain('postgres://');
    });

    it('refuses an operation the principal kind may not call', async () => {
      const visitor = await TestSocket.connect(tk, TestTokens.visitor);
      const answer = await visitor.request('test.echo', {});
      expect(answer.error.code).to.equal('AUTH_FORBIDDEN');
      await visitor.close();
    });

    it('answers OPERATION_UNKNOWN for unknown and HTTP-only types', async () => {
      for (const type of ['test.nothing', 'test.http-only']) {
        const answer = await socket.request(type, {});
        expect(answer.error.code, type).to.equal('OPERATION_UNKNOWN');
      }
      expect(socket.isOpen).to.equal(true);
    });

    it('answers malformed frames with an error frame and keeps the socket', async () => {
      const cases: [unknown, string, string | null][] = [
        ['{"id": "a", "type": ', 'REQUEST_MALFORMED_JSON', null],
        ['[1, 2]', 'REALTIME_FRAME_INVALID', null],
        [{ type: 'ping' }, 'REALTIME_FRAME_INVALID', null],
        [{ id: 7, type: 'ping' }, 'REALTIME_FRAME_INVALID', null],
        [{ id: 'no-type' }, 'REALTIME_FRAME_INVALID', 'no-type'],
        [{ id: 'bad-data', type: 'test.echo', data: [1] }, 'REALTIME_FRAME_INVALID', 'bad-data'],
        [
          '{"id":"p1","type":"test.echo","data":{"__proto__":{"admin":true}}}',
          'REQUEST_FORBIDDEN_KEY',
          null,
        ],
        [
          '{"id":"p2","type":"test.echo","data":{"constructor":{"prototype":{"x":1}}}}',
          'REQUEST_FORBIDDEN_KEY',
          null,
        ],
      ];
      for (const [frame, code, id] of cases) {
        const before = socket.ofType('error').length;
        socket.send(frame);
        await until(() => socket.ofType('error').length > before, `an answer to ${String(frame)}`);
        const error = socket.ofType('error').at(-1)!;
        expect(error.error.code, String(JSON.stringify(frame))).to.equal(code);
        expect(error.id).to.equal(id);
      }
      expect((await socket.request('ping')).type).to.equal('ack');
    });

    it('refuses data nested deeper than http.maxJsonDepth, and accepts it at the limit', async () => {
      const nest = (depth: number): unknown => (depth === 1 ? {} : { a: nest(depth - 1) });
      const deep = await socket.request('test.echo', nest(MAX_DEPTH + 1));
      expect(deep.error.code).to.equal('REQUEST_TOO_DEEP');
      const atLimit = await socket.request('test.echo', nest(MAX_DEPTH));
      // Past the depth check, the operation's own schema judges it.
      expect(atLimit.error.code).to.equal('REQUEST_INVALID');
    });

    it('refuses binary frames', async () => {
      socket.ws.send(Buffer.from('{"id":"b","type":"ping"}'), { binary: true });
      const error = await socket.next((f) => f.type === 'error');
      expect(error.error.code).to.equal('REALTIME_BINARY_FRAME');
    });

    it('survives 20 bad frames in a row, and a good one resets the count', async () => {
      for (let i = 0; i < 20; i++) socket.send('not json');
      expect((await socket.request('ping')).type).to.equal('ack');
      for (let i = 0; i < 20; i++) socket.send({ id: `u${i}`, type: 'test.unknown' });
      expect((await socket.request('ping')).type).to.equal('ack');
      expect(socket.ofType('error')).to.have.length(40);
    });

    it('closes with 4002 after more than 20 bad frames in a row', async () => {
      for (let i = 0; i < 21; i++) socket.send('not json');
      expect((await socket.closed).code).to.equal(4002);
      expect(socket.ofType('error')).to.have.length(21);
    });

    it('serves frames of one socket one at a time, in the order sent', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => `o${i}`);
      for (const id of ids) socket.send({ id, type: 'test.echo', data: { text: id } });
      await until(() => socket.ofType('ack').length > ids.length, 'every ack');
      const acks = socket.ofType('ack').filter((f) => String(f.id).startsWith('o'));
      expect(acks.map((f) => f.id)).to.deep.equal(ids);
    });

    it('lets ws close a frame larger than realtime.maxFrameBytes with 1009', async () => {
      socket.send({ id: 'big', type: 'test.echo', data: { text: 'x'.repeat(MAX_FRAME_BYTES) } });
      expect((await socket.closed).code).to.equal(1009);
    });
  });

  it('answers other upgrade paths with 404', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${tk.url}/api/v1/not-ws`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'sec-websocket-version': '13',
        },
      });
      req.on('response', (r) => resolve(r.statusCode!));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(404);
  });
});
