export const OPERATOR_ROLES = ['owner', 'manager', 'cashier'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/**
 * What each role may do. Cashiers work the till (purchases and returns in their own branch,
 * member lookup); managers also run the gift queue, tickets, campaigns and reports; owners also
 * change settings and operators.
 */
export const ADMIN_ACTIONS = {
  'purchase.record': ['cashier', 'manager', 'owner'],
  'purchase.refund': ['cashier', 'manager', 'owner'],
  'member.lookup': ['cashier', 'manager', 'owner'],
  // The web panel's balance correction with a reason, and its CSV exports (every member's phone).
  'member.adjust': ['manager', 'owner'],
  exports: ['manager', 'owner'],
  'gifts.queue': ['manager', 'owner'],
  tickets: ['manager', 'owner'],
  campaigns: ['manager', 'owner'],
  reports: ['manager', 'owner'],
  settings: ['owner'],
  operators: ['owner'],
} as const satisfies Record<string, readonly OperatorRole[]>;

export type AdminAction = keyof typeof ADMIN_ACTIONS;

export function can(role: OperatorRole, action: AdminAction): boolean {
  return (ADMIN_ACTIONS[action] as readonly OperatorRole[]).includes(role);
}

export interface Operator {
  id: string;
  merchantId: string;
  role: OperatorRole;
  branch: string | null;
  displayName: string | null;
  telegramUserId: string | null;
  disabledAt: Date | null;
}
