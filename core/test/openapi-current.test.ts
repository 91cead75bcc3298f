import { expect } from 'chai';
import { generatedOpenApi } from '../../scripts/openapi.js';

describe('docs/openapi.json', () => {
  it('lists every operation the server serves, as generated from the registry', async () => {
    const { current, next } = await generatedOpenApi();
    expect(
      current === next,
      'docs/openapi.json is out of date: run `npm run docs:openapi`',
    ).to.equal(true);
  });
});
