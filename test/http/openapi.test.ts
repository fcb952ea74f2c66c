import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';

let t: TestApi;

beforeAll(async () => {
  t = await createTestApi();
});
afterAll(() => t.close());

describe('OpenAPI', () => {
  it('/openapi.json is a valid OpenAPI 3 document generated from the route schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/v1/webhooks/purchases', '/v1/webhooks/refunds', '/v1/webhooks/woocommerce/{merchantId}', '/v1/members/', '/v1/members/{id}', '/v1/members/{id}/ledger', '/v1/members/{id}/adjustments', '/v1/members/import/']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/v1/webhooks/purchases'].post.requestBody.content['application/json'].schema).toBeDefined();
  });

  it('/docs renders Swagger UI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger');
    const init = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
  });
});
