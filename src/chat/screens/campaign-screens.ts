import type { CampaignMessage } from '../../domain/campaigns/campaign-schemas.js';
import { formatNumber } from '../format.js';
import { fillName } from './name-placeholder.js';
import type { Screen, ScreenButton, ScreenContext } from './types.js';

/**
 * A campaign message for one member: placeholders filled in ({name}, {points}, {coins},
 * {voucher}), the tracked button back into the club, the merchant's links, and the opt-out.
 */
export function campaignMessageScreen(
  m: CampaignMessage,
  member: { firstName: string | null; points: number; coins: number },
  extra: { clubLink: string | null; voucherCode?: string | null },
  c: ScreenContext,
): Screen {
  const text = fillName(m.text, member.firstName, c.t)
    .replaceAll('{points}', formatNumber(member.points, c.locale))
    .replaceAll('{coins}', formatNumber(member.coins, c.locale))
    .replaceAll('{voucher}', extra.voucherCode ?? '');
  const buttons: ScreenButton[][] = [];
  if (m.surveyId) buttons.push([{ label: c.t('survey.start'), action: { kind: 'survey.start', surveyId: m.surveyId } }]);
  if (extra.clubLink) buttons.push([{ label: m.linkLabel ?? c.t('campaign.open'), url: extra.clubLink }]);
  for (const b of m.buttons ?? []) buttons.push([{ label: b.label, url: b.url }]);
  buttons.push([{ label: c.t('campaign.optout'), action: { kind: 'promo.optOut' } }]);
  return { text, buttons, imageUrl: m.photoUrl };
}
