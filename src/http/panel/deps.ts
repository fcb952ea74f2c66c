import type { Locale } from '../../chat/i18n.js';
import type { ClubScreens } from '../../chat/club-screens.js';
import type { PanelAccess } from '../../domain/admin/panel-access.js';
import type { PanelService } from '../../domain/admin/panel-service.js';
import type { Clock } from '../../domain/clock.js';
import { FORM_URLENCODED } from '../body-parsers.js';
import type { PanelPageServices } from './page-services.js';

export interface PanelDeps {
  access: PanelAccess;
  panel: PanelService;
  screens: ClubScreens;
  locale: Locale;
  /** Cookies only over https (PUBLIC_URL is https). */
  secureCookies: boolean;
  clock: Clock;
  /** The services of the campaigns, rewards, tickets, settings and operators pages; without them those pages are not mounted. */
  services?: PanelPageServices;
}

export const SESSION_COOKIE = 'bashgah_panel';

/** The schema part of a route that takes an HTML form (the body parser accepts forms only where a route says so). */
export const FORM = { consumes: [FORM_URLENCODED] };
