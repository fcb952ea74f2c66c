import type { AdminAction } from '../../domain/admin/permissions.js';

/**
 * The panel's pages in the menu, in order; each shows only to roles that may open it (the page
 * checks again on the server). A new page adds its line here and its file under pages/.
 */
export const PANEL_NAV = [
  { path: '/panel/overview', label: 'panel.nav.overview', needs: 'reports' },
  { path: '/panel/members', label: 'panel.nav.members', needs: 'member.lookup' },
  { path: '/panel/campaigns', label: 'panel_pages.nav.campaigns', needs: 'campaigns' },
  { path: '/panel/rewards', label: 'panel_pages.nav.rewards', needs: 'gifts.queue' },
  { path: '/panel/tickets', label: 'panel_pages.nav.tickets', needs: 'tickets' },
  { path: '/panel/exports', label: 'panel.nav.exports', needs: 'exports' },
  { path: '/panel/settings', label: 'panel_pages.nav.settings', needs: 'settings' },
  { path: '/panel/operators', label: 'panel_pages.nav.operators', needs: 'operators' },
] as const satisfies readonly { path: string; label: string; needs: AdminAction }[];
