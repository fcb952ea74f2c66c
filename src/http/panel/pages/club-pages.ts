import type { FastifyInstance } from 'fastify';
import type { PagesDeps } from '../page-kit.js';
import { campaignPages } from './campaigns.js';
import { operatorPages } from './operators.js';
import { rewardPages } from './rewards.js';
import { settingsPages } from './settings.js';
import { ticketPages } from './tickets.js';

/** The pages that run the club: campaigns and broadcasts, rewards, tickets, settings, operators. */
export async function clubPages(app: FastifyInstance, deps: PagesDeps) {
  await campaignPages(app, deps);
  await rewardPages(app, deps);
  await ticketPages(app, deps);
  await settingsPages(app, deps);
  await operatorPages(app, deps);
}
