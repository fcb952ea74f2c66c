import type { AdminAction } from '../../domain/admin/permissions.js';

/**
 * The panel's pages in the menu, in order; each shows only to roles that may open it (the page
 * checks again on the server). A new page adds its line here and its file under pages/.
 */
export const PANEL_NAV = [
  { path: '/panel/overview', label: 'panel.nav.overview', needs: 'reports' },
  { path: '/panel/members', label: 'panel.nav.members', needs: 'member.lookup' },
  { path: '/panel/exports', label: 'panel.nav.exports', needs: 'exports' },
] as const satisfies readonly { path: string; label: string; needs: AdminAction }[];
