import { expect } from 'chai';
import type { TestKernel } from '@switchboard/sdk/testing';
import { bootKernel } from './support/kernel.js';

// fixtures/probe: POST /echo answers { received: <body> }; GET /boom throws a plain Error whose
// message holds a connection string with a password.

const LIMIT_BYTES = 2048;
const MAX_DEPTH = 8;

/** `[[[...]]]` nested `depth` levels deep. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('The HTTP edge', () => {
  let tk: TestKernel;
  /** Sends a raw body to the echo route. */
  const post = (body: BodyInit, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(`${tk.url}/api/v1/plugins/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      ...init,
    });
  const errorOf = async (res: Response) => {
    expect(res.headers.get('content-type')).to.contain('application/json');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).to.have.keys('code', 'message', 'requestId');
    return body.error;
  };

  before(async () => {
    tk = await bootKernel(['probe'], {
      config: { http: { bodyLimitBytes: LIMIT_BYTES, maxJsonDepth: MAX_DEPTH } },
    });
  });
  after(() => tk.stop());

  describe('GET /api/v1/health', () => {
    it('answers anyone, with the version and a database round trip', async () => {
      const res = await tk.request('GET', '/api/v1/health', undefined, null);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ status: 'ok', version: '1.0.0', database: 'ok' });
      expect(res.body.uptimeMs).to.be.a('number');
    });
  });

  describe('JSON bodies', () => {
    it('hands a well-formed body to the route', async () => {
      const res = await post(JSON.stringify({ hello: ['world'] }));
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ received: { hello: ['world'] } });
    });

    it('refuses malformed JSON with 400 REQUEST_MALFORMED_JSON', async () => {
      const res = await post('{"hello": ');
      expect(res.status).to.equal(400);
      const error = await errorOf(res);
      expect(error.code).to.equal('REQUEST_MALFORMED_JSON');
      expect(error.message).to.match(/^The body is not valid JSON: /);
    });

    it('refuses a body over http.bodyLimitBytes with 413', async () => {
      const res = await post(JSON.stringify({ text: 'x'.repeat(LIMIT_BYTES) }));
      expect(res.status).to.equal(413);
      expect(await errorOf(res)).to.deep.include({
        code: 'REQUEST_TOO_LARGE',
        message: `The body is larger than ${LIMIT_BYTES} bytes; send less.`,
      });
    });

    it('refuses an oversize body sent in chunks without a Content-Length with 413', async () => {
      const chunk = new TextEncoder().encode(`"${'x'.repeat(1000)}",`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('['));
        },
        pull(controller) {
          if (sent++ < 5) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await post(stream, {}, { duplex: 'half' } as RequestInit);
      expect(res.status).to.equal(413);
      expect((await errorOf(res)).code).to.equal('REQUEST_TOO_LARGE');
    });

    it('refuses __proto__ and constructor.prototype keys with 400, and pollutes nothing', async () => {
      for (const body of [
        '{"__proto__": {"polluted": true}}',
        '{"a": {"constructor": {"prototype": {"polluted": true}}}}',
      ]) {
        const res = await post(body);
        expect(res.status, body).to.equal(400);
        const error = await errorOf(res);
        expect(error.code).to.equal('REQUEST_FORBIDDEN_KEY');
        expect(error.message).to.contain('__proto__ or constructor.prototype');
      }
      expect(({} as { polluted?: boolean }).polluted).to.equal(undefined);
    });

    it('refuses a body nested deeper than http.maxJsonDepth with 400, and takes one at the limit', async () => {
      expect((await post(nested(MAX_DEPTH))).status).to.equal(200);
      const res = await post(nested(MAX_DEPTH + 1));
      expect(res.status).to.equal(400);
      expect(await errorOf(res)).to.deep.include({
        code: 'REQUEST_TOO_DEEP',
        message: `The body nests deeper than ${MAX_DEPTH} levels; flatten it.`,
      });
    });

    it('refuses a body that is not JSON with 415', async () => {
      const res = await post('hello=world', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(res.status).to.equal(415);
      const error = await errorOf(res);
      expect(error.code).to.equal('REQUEST_UNSUPPORTED_MEDIA_TYPE');
      expect(error.message).to.contain('Content-Type: application/json');
    });
  });

  describe('routing and credentials', () => {
    it('answers unknown routes with 404 ROUTE_NOT_FOUND, naming the method and path', async () => {
      for (const path of ['/api/v1/nothing-here', '/api/v1/plugins/ghost/anything']) {
        const res = await tk.request('GET', path);
        expect(res.status, path).to.equal(404);
        expect(res.body.error).to.include({
          code: 'ROUTE_NOT_FOUND',
          message: `No route for GET ${path}. See docs/api.md for the routes.`,
        });
      }
    });

    it('refuses a protected route without a token with 401 AUTH_REQUIRED', async () => {
      const res = await tk.request('GET', '/api/v1/plugins', undefined, null);
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('AUTH_REQUIRED');
    });

    it('refuses an unknown token with 401 AUTH_TOKEN_INVALID, even on open routes', async () => {
      for (const path of ['/api/v1/plugins', '/api/v1/health']) {
        const res = await tk.request('GET', path, undefined, 'not-a-valid-token');
        expect(res.status, path).to.equal(401);
        expect(res.body.error).to.include({
          code: 'AUTH_TOKEN_INVALID',
          message: 'The bearer token is unknown or expired; sign in again.',
        });
      }
    });
  });

  describe('a route that throws', () => {
    it('answers 500 with a generic message and the request id, never the error text', async () => {
      const res = await tk.request('GET', '/api/v1/plugins/probe/boom');
      expect(res.status).to.equal(500);
      const { error } = res.body;
      expect(error.code).to.equal('INTERNAL');
      expect(error.message).to.equal(`Internal server error. Reference: ${error.requestId}.`);
      expect(res.headers.get('x-request-id')).to.equal(error.requestId);
      const text = JSON.stringify(res.body);
      expect(text).not.to.contain('hunter2');
      expect(text).not.to.contain('connect failed');
    });

    it('keeps serving afterwards', async () => {
      expect((await tk.request('GET', '/api/v1/health')).status).to.equal(200);
    });
  });

  it('sets nosniff and no-referrer on every response, errors included', async () => {
    for (const path of ['/api/v1/health', '/api/v1/nothing-here']) {
      const res = await tk.request('GET', path);
      expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff');
      expect(res.headers.get('referrer-policy'), path).to.equal('no-referrer');
    }
  });
});
