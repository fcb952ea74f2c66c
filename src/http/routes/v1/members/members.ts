import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../../../domain/errors.js';
import type { LedgerService } from '../../../../domain/ledger/ledger-service.js';
import type { MemberQueries } from '../../../../domain/members/member-queries.js';
import type { MemberService } from '../../../../domain/members/member-service.js';
import { errorResponses } from '../../../schemas/common.js';
import {
  adjustmentBodySchema,
  adjustmentResponseSchema,
  ledgerPageSchema,
  ledgerQuery,
  memberIdParams,
  memberLookupQuery,
  memberSchema,
} from '../../../schemas/members.js';
import { presentMember } from '../../../presenters/member.js';

const security = [{ apiKey: [] }];

export interface MemberRouteDeps {
  members: MemberService;
  memberQueries: MemberQueries;
  ledger: LedgerService;
}

export const memberRoutes: FastifyPluginAsyncZod<MemberRouteDeps> = async (app, { members, memberQueries, ledger }) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['members'],
        summary: 'Find a member by phone or member code',
        security,
        errors: ['member_not_found', 'invalid_phone'],
        querystring: memberLookupQuery,
        response: { 200: memberSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { phone, code } = request.query;
      const member =
        phone !== undefined ? await members.findByPhone(request.merchantId!, phone) : await members.findByCode(request.merchantId!, code!);
      if (!member) throw notFound('member_not_found', 'No member with this phone or code');
      return presentMember(await memberQueries.profile(request.merchantId!, member.id));
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'A member: profile, balances, tier and progress to the next tier',
        security,
        errors: ['member_not_found'],
        params: memberIdParams,
        response: { 200: memberSchema, ...errorResponses },
      },
    },
    async (request) => presentMember(await memberQueries.profile(request.merchantId!, request.params.id)),
  );

  app.get(
    '/:id/ledger',
    {
      schema: {
        tags: ['members'],
        summary: 'Ledger entries, newest first, paged by cursor',
        security,
        errors: ['member_not_found'],
        params: memberIdParams,
        querystring: ledgerQuery,
        response: { 200: ledgerPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      const page = await memberQueries.history(request.merchantId!, request.params.id, {
        before: cursor ? Number(cursor) : undefined,
        limit,
      });
      return {
        entries: page.entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
        nextCursor: page.nextBefore !== undefined ? String(page.nextBefore) : null,
      };
    },
  );

  app.post(
    '/:id/adjustments',
    {
      schema: {
        tags: ['members'],
        summary: 'Add to or take from a balance by hand',
        description:
          'Idempotent on idempotencyKey. A negative amount larger than the balance is 422. Manual points do not count for tiers.',
        security,
        errors: ['member_not_found', 'member_blocked', 'insufficient_balance', 'idempotency_conflict', 'amount_too_large'],
        idempotent: true,
        params: memberIdParams,
        body: adjustmentBodySchema,
        response: { 200: adjustmentResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const member = await members.get(request.merchantId!, request.params.id);
      const b = request.body;
      const out = await ledger.adjust({
        merchantId: request.merchantId!,
        memberId: member.id,
        currency: b.currency,
        amount: b.amount,
        reason: b.reason,
        idempotencyKey: `adjust:${b.idempotencyKey}`,
        actor: request.actor!,
      });
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return { operationId: out.result.operationId, memberId: member.id, balances: out.result.balances, tier: out.result.tier };
    },
  );
};
