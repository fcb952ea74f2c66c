import type { SpinResult } from '../../domain/rewards/wheel-service.js';
import type { WheelConfig } from '../../domain/rewards/wheel.js';
import { formatNumber } from '../format.js';
import { balancesLine } from './member-screens.js';
import type { Screen, ScreenContext } from './types.js';

export type WheelBlock = 'tier' | 'limit' | 'coins' | 'limit_per_day' | 'limit_per_week' | 'empty';

/** The wheel's prizes, its cost and what is left; a spin button when the member may spin. */
export function wheelScreen(
  data: { config: WheelConfig | null; coins: number; spinsLeft: number | null; block?: WheelBlock; tierName?: string; nonce: string },
  c: ScreenContext,
): Screen {
  const { config } = data;
  if (!config) return { text: c.t('wheel.none') };
  const lines = [c.t('wheel.title', { club: c.clubName }), '', c.t('wheel.prizes')];
  for (const p of config.prizes) lines.push(c.t(p.remaining === 0 ? 'wheel.prize_out' : 'wheel.prize_line', { label: p.label }));
  lines.push(
    '',
    config.costCoins > 0
      ? c.t('wheel.cost', { cost: formatNumber(config.costCoins, c.locale), coins: formatNumber(data.coins, c.locale) })
      : c.t('wheel.free'),
  );
  if (data.spinsLeft !== null) lines.push(c.t('wheel.left', { count: formatNumber(data.spinsLeft, c.locale) }));
  if (data.block) {
    lines.push('', blockText(data.block, config.costCoins, data.coins, data.tierName ?? '', c));
    return { text: lines.join('\n') };
  }
  return { text: lines.join('\n'), buttons: [[{ label: c.t('wheel.spin'), action: { kind: 'wheel.spin', nonce: data.nonce } }]] };
}

export function blockText(block: WheelBlock, cost: number, coins: number, tierName: string, c: ScreenContext): string {
  if (block === 'coins') return c.t('wheel.coins', { cost: formatNumber(cost, c.locale), coins: formatNumber(coins, c.locale) });
  if (block === 'tier') return c.t('wheel.tier', { tier: tierName });
  return c.t(`wheel.${block}`);
}

/**
 * What the wheel shows while it turns: labels passing the pointer and stopping on the prize
 * the server already drew. Channels that can edit messages play them; others skip to the end.
 */
export function wheelFrames(labels: string[], prize: string, c: ScreenContext, count = 4): string[] {
  const n = Math.max(1, labels.length);
  const start = (((labels.indexOf(prize) - (count - 1)) % n) + n) % n;
  const frames = Array.from({ length: count - 1 }, (_, i) => labels[(start + i) % labels.length]!);
  return [...frames, prize].map((label) => c.t('wheel.frame', { label }));
}

export function spinResultScreen(result: SpinResult, again: { nonce: string } | null, c: ScreenContext): Screen {
  const { prize } = result;
  const lines = [prize.kind === 'nothing' ? nothingText(prize.label, c) : c.t('wheel.won', { label: prize.label })];
  if (prize.voucherCode) lines.push('', c.t('wheel.won_voucher', { code: prize.voucherCode }));
  if (prize.giftRequestId) lines.push('', c.t('wheel.won_gift'));
  lines.push('', balancesLine(result.balances, c));
  return {
    text: lines.join('\n'),
    buttons: again ? [[{ label: c.t('wheel.spin_again'), action: { kind: 'wheel.spin', nonce: again.nonce } }]] : undefined,
  };
}

/** A losing spin; its label in brackets unless the sentence says it already (“پوچ بود (پوچ)”). */
function nothingText(label: string, c: ScreenContext): string {
  const plain = c.t('wheel.nothing_plain');
  return plain.includes(label.trim()) ? plain : c.t('wheel.nothing', { label });
}
