import type { TierSettings } from '../rules/settings.js';

export interface TierProgress {
  tier: string;
  qualifyingPoints: number;
  next?: { tier: string; threshold: number; pointsToGo: number; percent: number };
}

/** The highest tier whose threshold the points reach. */
export function tierForPoints(settings: TierSettings, points: number): string {
  let tier = settings.levels[0]!.key;
  for (const level of settings.levels) if (points >= level.threshold) tier = level.key;
  return tier;
}

export function tierRank(settings: TierSettings, key: string): number {
  return settings.levels.findIndex((l) => l.key === key);
}

/** Where a member stands: their tier and how far the next one is. */
export function tierProgress(settings: TierSettings, currentTier: string, qualifyingPoints: number): TierProgress {
  const rank = Math.max(0, tierRank(settings, currentTier));
  const tier = settings.levels[rank]!.key;
  const next = settings.levels[rank + 1];
  if (!next) return { tier, qualifyingPoints };
  const from = settings.levels[rank]!.threshold;
  const span = next.threshold - from;
  const done = Math.min(Math.max(qualifyingPoints - from, 0), span);
  return {
    tier,
    qualifyingPoints,
    next: {
      tier: next.key,
      threshold: next.threshold,
      pointsToGo: Math.max(next.threshold - qualifyingPoints, 0),
      percent: Math.floor((done / span) * 100),
    },
  };
}

/** The ledger needs the levels and the window in days (null = lifetime) to upgrade in the same transaction. */
export function tierOptions(settings: TierSettings) {
  return {
    window_days: settings.window === '12m' ? 365 : null,
    levels: settings.levels.map((l) => ({ key: l.key, threshold: l.threshold })),
  };
}
