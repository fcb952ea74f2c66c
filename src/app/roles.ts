import type { Config } from '../config.js';
import type { Container } from './container.js';
import { startApiRole } from './api-role.js';
import { startWorkerRole } from './worker-role.js';
import { startBotRole } from './bot-role.js';
import { startWhatsAppRole } from './whatsapp-role.js';
import { whatsappMode } from '../config.js';

export interface RunningRole {
  name: string;
  stop(): Promise<void>;
}

export type RoleName = 'api' | 'bot' | 'worker' | 'whatsapp';

/** `all` runs WhatsApp too unless it is off. */
export function rolesFor(config: Config): RoleName[] {
  if (config.ROLE !== 'all') return [config.ROLE];
  return whatsappMode(config) === 'off' ? ['api', 'bot', 'worker'] : ['api', 'bot', 'worker', 'whatsapp'];
}

const starters: Partial<Record<RoleName, (c: Container) => Promise<RunningRole>>> = {
  api: startApiRole,
  bot: startBotRole,
  worker: startWorkerRole,
  whatsapp: startWhatsAppRole,
};

/** Starts the roles in order and stops them in the same order: HTTP first, so no new work comes in. */
export async function startRoles(container: Container): Promise<RunningRole[]> {
  const running: RunningRole[] = [];
  for (const name of rolesFor(container.config)) {
    const start = starters[name];
    if (start) running.push(await start(container));
  }
  return running;
}

export async function stopRoles(running: RunningRole[]): Promise<void> {
  for (const role of running) await role.stop();
}
