import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RaffleService } from '../../../../domain/rewards/raffle-service.js';
import { errorResponses } from '../../../schemas/common.js';
import { domainBody, idParams, raffleProofSchema, raffleSchema } from '../../../schemas/rewards.js';
import { presentRaffle } from '../../../presenters/rewards.js';

const security = [{ apiKey: [] }];
const raffleFields =
  'Body: { title, prizes: [{ title, count }], entryRule: { kind: purchase } | { kind: points, per } | { kind: coins, price }, opensAt? (ISO, default now), closesAt (ISO) }. The hash of the server seed is published at once; the draw runs at closesAt.';

export const raffleRoutes: FastifyPluginAsyncZod<{ raffles: RaffleService }> = async (app, { raffles }) => {
  app.get(
    '/raffles',
    {
      schema: {
        tags: ['raffles'],
        summary: 'Raffles, newest first',
        security,
        response: { 200: z.object({ raffles: z.array(raffleSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      raffles: (await raffles.list(request.merchantId!)).map(presentRaffle),
    }),
  );

  app.post(
    '/raffles',
    {
      schema: {
        tags: ['raffles'],
        summary: 'Open a raffle',
        description: raffleFields,
        security,
        errors: ['invalid_raffle'],
        body: domainBody(raffleFields),
        response: { 201: raffleSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(presentRaffle(await raffles.create(request.merchantId!, request.body))),
  );

  app.get(
    '/raffles/:id',
    {
      schema: {
        tags: ['raffles'],
        summary: 'A raffle: seed hash, tickets, and after the draw the seed, public value and winners',
        security,
        errors: ['raffle_not_found'],
        params: idParams,
        response: { 200: raffleSchema, ...errorResponses },
      },
    },
    async (request) => presentRaffle(await raffles.get(request.merchantId!, request.params.id)),
  );

  app.post(
    '/raffles/:id/cancel',
    {
      schema: {
        tags: ['raffles'],
        summary: 'Call off a raffle before its draw',
        description:
          'No winners are drawn; coins paid for tickets go back to each member through the ledger, and every ticket holder is told in chat. Cancelling again answers the cancelled raffle.',
        security,
        errors: ['raffle_not_found', 'raffle_drawn'],
        params: idParams,
        response: { 200: raffleSchema, ...errorResponses },
      },
    },
    async (request) => presentRaffle(await raffles.cancel(request.merchantId!, request.params.id, 'api')),
  );
};

/** No key needed: members and anyone else can fetch a raffle's proof and re-run the draw. */
export const publicRaffleRoutes: FastifyPluginAsyncZod<{ raffles: RaffleService }> = async (app, { raffles }) => {
  app.get(
    '/:id/proof',
    {
      schema: {
        tags: ['raffles'],
        summary: 'Public proof of a raffle: seed hash, (after the draw) seed, public value, winners, and every ticket',
        description: 'Verify with `npx bashgah raffle verify <id> --proof <this URL>`.',
        errors: ['raffle_not_found'],
        params: idParams,
        response: { 200: raffleProofSchema, ...errorResponses },
      },
    },
    async (request) => {
      const proof = await raffles.proof(request.params.id);
      return { ...proof, raffle: presentRaffle(proof.raffle) };
    },
  );
};
