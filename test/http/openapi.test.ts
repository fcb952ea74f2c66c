import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/http.js';
import { ERROR_CODES, type ErrorCode } from '../../src/domain/error-codes.js';
import { STATUS_BY_KIND } from '../../src/http/errors.js';
import { EVENT_API_VERSION, EVENT_TYPES } from '../../src/domain/events/catalog.js';
import { eventSchemaName } from '../../src/http/event-docs.js';

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
    for (const path of [
      '/v1/webhooks/purchases',
      '/v1/webhooks/refunds',
      '/v1/webhooks/woocommerce/{merchantId}',
      '/v1/members/',
      '/v1/members/{id}',
      '/v1/members/{id}/ledger',
      '/v1/members/{id}/adjustments',
      '/v1/members/import/',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/v1/webhooks/purchases'].post.requestBody.content['application/json'].schema).toBeDefined();
  });

  it('documents the webhook headers, Idempotent-Replayed and Retry-After', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/v1/webhooks/purchases', '/v1/webhooks/refunds']) {
      const op = doc.paths[path].post;
      const headers = op.parameters
        .filter((p: { in: string }) => p.in === 'header')
        .map((p: { name: string; required: boolean }) => [p.name, p.required]);
      expect(headers).toEqual(
        expect.arrayContaining([
          ['X-Bashgah-Merchant', true],
          ['X-Bashgah-Timestamp', true],
        ]),
      );
      expect(op.security).toEqual([{ webhookSignature: [] }]); // X-Bashgah-Signature, as a security scheme
      expect(op.responses['200'].headers['Idempotent-Replayed']).toBeDefined();
      expect(op.responses['429'].headers['Retry-After']).toBeDefined();
    }
    expect(doc.components.securitySchemes.webhookSignature.name).toBe('X-Bashgah-Signature');
    expect(doc.paths['/v1/members/{id}/adjustments'].post.responses['200'].headers['Idempotent-Replayed']).toBeDefined();
    expect(doc.paths['/v1/vouchers/redeem'].post.responses['200'].headers['Idempotent-Replayed']).toBeDefined();
    expect(doc.paths['/v1/members/{id}'].get.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('lists each route’s own error codes under their status, all from the catalogue', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const codesOf = (path: string, method: string, status: number) =>
      [...(doc.paths[path][method].responses[String(status)]?.description ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    expect(codesOf('/v1/wheel', 'put', 422)).toEqual(expect.arrayContaining(['unknown_voucher_campaign', 'unknown_gift']));
    expect(codesOf('/v1/members/{id}', 'get', 404)).toEqual(['member_not_found']);
    expect(doc.paths['/v1/members/{id}'].get.responses['409']).toBeUndefined();
    expect(codesOf('/v1/webhooks/refunds', 'post', 422)).toEqual(expect.arrayContaining(['refund_exceeds_purchase', 'already_refunded']));
    expect(codesOf('/v1/vouchers/redeem', 'post', 422)).toContain('voucher_already_redeemed');
    expect(codesOf('/v1/settings/', 'put', 400)).toEqual(
      expect.arrayContaining(['validation_failed', 'invalid_settings', 'invalid_text', 'invalid_json']),
    );
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const status of Object.keys(op.responses).filter((s) => Number(s) >= 400)) {
          const codes = codesOf(path, method, Number(status));
          expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const code of codes)
            expect(STATUS_BY_KIND[ERROR_CODES[code as ErrorCode].kind], `${method} ${path} ${code}`).toBe(Number(status));
        }
      }
    }
  });

  it('documents the settings body from the domain schema and the CSV import body', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const method of ['put', 'patch']) {
      const body = doc.paths['/v1/settings/'][method].requestBody.content['application/json'].schema;
      expect(Object.keys(body.properties)).toEqual(
        expect.arrayContaining(['currency', 'earning', 'tiers', 'expiry', 'referrals', 'automations', 'feedback', 'api', 'woocommerce']),
      );
      expect(body.additionalProperties).toBe(false);
    }
    expect(Object.keys(doc.paths['/v1/settings/'].patch.requestBody.content)).toEqual(['application/json', 'application/merge-patch+json']);
    expect(doc.paths['/v1/settings/'].get.responses['200'].content['application/json'].schema.properties.tiers).toBeDefined();
    const csv = doc.paths['/v1/members/import/'].post.requestBody.content;
    expect(Object.keys(csv)).toEqual(['text/csv']);
    expect(csv['text/csv'].schema.type).toBe('string');
  });

  it('documents the webhook endpoints and every event the club sends, with its payload schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const [path, methods] of [
      ['/v1/webhook-endpoints', ['get', 'post']],
      ['/v1/webhook-endpoints/{id}', ['get', 'patch', 'delete']],
      ['/v1/webhook-endpoints/{id}/rotate-secret', ['post']],
      ['/v1/webhook-endpoints/{id}/deliveries', ['get']],
      ['/v1/webhook-endpoints/{id}/test', ['post']],
      ['/v1/webhook-deliveries/{id}/retry', ['post']],
    ] as const)
      for (const method of methods) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(Object.keys(doc.components.schemas.WebhookDelivery.properties)).toEqual(
      expect.arrayContaining(['status', 'attempts', 'lastResponseStatus', 'lastResponseBody']),
    );
    expect(doc.paths['/v1/webhook-endpoints'].post.description).toContain('X-Bashgah-Signature');

    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const ref = doc.webhooks[type].post.requestBody.content['application/json'].schema.$ref;
      expect(ref).toBe(`#/components/schemas/${eventSchemaName(type)}`);
      const schema = doc.components.schemas[eventSchemaName(type)];
      expect(schema.properties.type.enum).toEqual([type]); // @fastify/swagger writes const as a one-value enum
      expect(schema.properties.api_version.enum).toEqual([EVENT_API_VERSION]);
      expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'api_version', 'created_at', 'data']));
      expect(Object.keys(schema.properties.data.properties).length).toBeGreaterThan(0);
    }
    expect(Object.keys(doc.components.schemas.PurchaseRecordedEvent.properties.data.properties)).toEqual(
      expect.arrayContaining(['member_id', 'order_id', 'amount', 'entries', 'balances']),
    );
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
