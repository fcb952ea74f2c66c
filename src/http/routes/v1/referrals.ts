import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ReferralService } from '../../../domain/referrals/referral-service.js';
import type { MemberService } from '../../../domain/members/member-service.js';
import type { StaffService } from '../../../domain/staff/staff-service.js';
import { balancesSchema, errorResponses } from '../../schemas/common.js';

const security = [{ apiKey: [] }];
const range = z.object({ from: z.string().max(10).optional(), to: z.string().max(10).optional() }).strict();

const statsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    invitations: z.number().int().describe('Invitation links opened by people who were not members yet'),
    joins: z.number().int().describe('Referred friends who joined'),
    firstPurchases: z.number().int(),
    members: z.number().int().describe('Active members at the end of the period'),
    invitationsPerMember: z.number(),
    inviteToJoin: z.number().describe('joins / invitations'),
    joinToPurchase: z.number().describe('firstPurchases / joins'),
    kFactor: z.number().describe('invitationsPerMember × inviteToJoin'),
    rewardsPaid: balancesSchema,
    bySource: z.array(
      z.object({
        source: z.string().nullable(),
        invitations: z.number().int(),
        joins: z.number().int(),
        members: z.number().int(),
        kFactor: z.number(),
      }),
    ),
  })
  .meta({ id: 'ReferralStats' });

const friendsSchema = z
  .object({
    friends: z.array(
      z.object({
        memberId: z.string(),
        name: z.string().nullable(),
        status: z.string(),
        joinedAt: z.string().nullable(),
        firstPurchaseAt: z.string().nullable(),
        rewards: z.array(
          z.object({ trigger: z.string(), beneficiary: z.string(), currency: z.string(), amount: z.number().int(), status: z.string() }),
        ),
      }),
    ),
  })
  .meta({ id: 'ReferredFriends' });

export const referralRoutes: FastifyPluginAsyncZod<{ referrals: ReferralService; members: MemberService; staff: StaffService }> = async (
  app,
  { referrals, members, staff },
) => {
  app.get(
    '/referrals/stats',
    {
      schema: {
        tags: ['referrals'],
        summary: 'The referral programme over a period, with its K-factor',
        description: 'from/to: Tehran days, Jalali (1405/08/01) or Gregorian (2026-10-23); default the last 30 days.',
        security,
        errors: ['invalid_range', 'invalid_date'],
        querystring: range,
        response: { 200: statsSchema, ...errorResponses },
      },
    },
    async (request) => referrals.stats(request.merchantId!, request.query),
  );

  app.get(
    '/members/:id/referrals',
    {
      schema: {
        tags: ['referrals'],
        summary: 'The friends a member referred, and their rewards',
        security,
        errors: ['member_not_found'],
        params: z.object({ id: z.string() }),
        response: { 200: friendsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const member = await members.get(request.merchantId!, request.params.id);
      const friends = await referrals.friends(request.merchantId!, member.id);
      return {
        friends: friends.map((f) => ({
          memberId: f.memberId,
          name: [f.firstName, f.lastName].filter(Boolean).join(' ') || null,
          status: f.status,
          joinedAt: f.joinedAt?.toISOString() ?? null,
          firstPurchaseAt: f.firstPurchaseAt?.toISOString() ?? null,
          rewards: f.rewards,
        })),
      };
    },
  );

  app.get(
    '/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'Salespeople (codes seen on purchases or added here)',
        security,
        response: { 200: z.object({ staff: z.array(z.object({ code: z.string(), name: z.string().nullable() })) }), ...errorResponses },
      },
    },
    async (request) => ({ staff: (await staff.list(request.merchantId!)).map(({ code, name }) => ({ code, name })) }),
  );

  app.put(
    '/staff/:code',
    {
      schema: {
        tags: ['staff'],
        summary: 'Add or rename a salesperson',
        security,
        errors: ['invalid_staff_code'],
        params: z.object({ code: z.string() }),
        body: z.object({ name: z.string().max(80).nullable() }).strict(),
        response: { 200: z.object({ code: z.string(), name: z.string().nullable() }), ...errorResponses },
      },
    },
    async (request) => staff.upsert(request.merchantId!, request.params.code, request.body.name),
  );

  app.get(
    '/staff/commissions',
    {
      schema: {
        tags: ['staff'],
        summary: 'Commission per salesperson over a period (purchases minus refunds)',
        security,
        errors: ['invalid_range', 'invalid_date'],
        querystring: range,
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            staff: z.array(
              z.object({
                staffCode: z.string(),
                name: z.string().nullable(),
                purchases: z.number().int(),
                sales: z.number().int(),
                commission: z.number().int(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => staff.report(request.merchantId!, request.query),
  );
};
