import { can, type AdminAction, type OperatorRole } from '../domain/admin/permissions.js';
import { allTranslations, type Translate } from './i18n.js';

/** The admin keyboard, in order; each item shows only to roles that may do it. */
export const ADMIN_MENU = [
  { action: 'sale', label: 'admin.menu.sale', needs: 'purchase.record' },
  { action: 'return', label: 'admin.menu.return', needs: 'purchase.refund' },
  { action: 'lookup', label: 'admin.menu.lookup', needs: 'member.lookup' },
  { action: 'gifts', label: 'admin.menu.gifts', needs: 'gifts.queue' },
  { action: 'tickets', label: 'admin_support.tickets', needs: 'tickets' },
  { action: 'broadcast', label: 'admin.menu.broadcast', needs: 'campaigns' },
  { action: 'vouchers', label: 'admin.menu.vouchers', needs: 'campaigns' },
  { action: 'raffles', label: 'admin.menu.raffles', needs: 'campaigns' },
  { action: 'figures', label: 'admin.menu.figures', needs: 'reports' },
  { action: 'report', label: 'admin_support.report', needs: 'reports' },
  { action: 'invite', label: 'admin.menu.invite', needs: 'operators' },
  { action: 'panel', label: 'admin.menu.panel', needs: null },
  { action: 'exit', label: 'admin.menu.exit', needs: null },
] as const satisfies readonly { action: string; label: string; needs: AdminAction | null }[];

export type AdminMenuAction = (typeof ADMIN_MENU)[number]['action'];

export function adminMenuLabels(role: OperatorRole, t: Translate): string[] {
  return ADMIN_MENU.filter((m) => m.needs === null || can(role, m.needs)).map((m) => t(m.label));
}

/** Which admin action a pressed label means, in either language (whatever the role: the server checks). */
export function adminActionForLabel(text: string): AdminMenuAction | undefined {
  const trimmed = text.trim();
  return ADMIN_MENU.find((m) => allTranslations(m.label).includes(trimmed))?.action;
}
