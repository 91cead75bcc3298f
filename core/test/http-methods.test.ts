import { expect } from 'chai';
import { createTestKernel, type TestKernel } from '@switchboard/sdk/testing';

describe('HTTP method errors', () => {
  let tk: TestKernel;
  before(async () => {
    tk = await createTestKernel();
  });
  after(() => tk.stop());

  it('answers a wrong method on a known route with a JSON 405 naming the allowed methods', async () => {
    const res = await tk.request('DELETE', '/api/v1/health');
    expect(res.status).to.equal(405);
    expect(res.body.error.code).to.equal('METHOD_NOT_ALLOWED');
    expect(res.body.error.message).to.contain('GET');
    expect(res.headers.get('allow')).to.contain('GET');
  });
});
