import type { z } from 'zod';
import type { MerchantSettings } from '../../../domain/merchants/settings.js';
import { earningSettingsSchema, tierSettingsSchema } from '../../../domain/rules/settings.js';
import { referralSettingsSchema } from '../../../domain/referrals/settings.js';
import { automationSettingsSchema } from '../../../domain/campaigns/automation-settings.js';
import type { Translate } from '../../../chat/i18n.js';
import type { Field } from './fields.js';

export const SETTINGS_SECTIONS = ['earning', 'tiers', 'referrals', 'automations'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

/** Each form is checked by the very schema the API's settings routes use for that part. */
export const SECTION_SCHEMAS: Record<SettingsSection, z.ZodType> = {
  earning: earningSettingsSchema,
  tiers: tierSettingsSchema,
  referrals: referralSettingsSchema,
  automations: automationSettingsSchema,
};

const L = (k: string) => `panel_pages.settings.field.${k}`;
const int = (name: string, label = name.replaceAll('.', '_')): Field => ({ name, kind: 'int', label: L(label) });

const currencyOptions = (t: Translate) => ['points', 'coins', 'credit'].map((c) => ({ value: c, label: t(`currency.${c}`) }));

function rewardSide(path: string, t: Translate): Field[] {
  const key = path.replaceAll('.', '_');
  return [
    { name: `${path}.currency`, kind: 'select', label: L(`${key}_currency`), options: currencyOptions(t) },
    { name: `${path}.amount`, kind: 'int', label: L(`${key}_amount`), dropsWhenEmpty: path },
  ];
}

/** The fields of a section; tiers get a row per level (four fields, a line of the grid) and one blank row to add a level. */
export function sectionFields(section: SettingsSection, s: MerchantSettings, t: Translate): Field[] {
  switch (section) {
    case 'earning':
      return [
        int('pointsPerAmount.points'),
        int('pointsPerAmount.amount'),
        int('minPurchase'),
        { name: 'cashbackPercent', kind: 'decimal', label: L('cashbackPercent') },
        int('caps.pointsPerPurchase'),
        int('caps.pointsPerDay'),
        int('caps.coinsPerDay'),
        int('caps.creditPerDay'),
        { name: 'rules', kind: 'json', label: L('rules') },
      ];
    case 'tiers':
      return [
        ...Array.from({ length: s.tiers.levels.length + 1 }, (_, i): Field[] => [
          { name: `levels.${i}.key`, kind: 'text', label: L('level_key'), row: i + 1 },
          { name: `levels.${i}.name.fa`, kind: 'text', label: L('level_name_fa'), dropsWhenEmpty: `levels.${i}.name`, row: i + 1 },
          { name: `levels.${i}.name.en`, kind: 'text', label: L('level_name_en'), row: i + 1 },
          { name: `levels.${i}.threshold`, kind: 'int', label: L('level_threshold'), row: i + 1 },
        ]).flat(),
        {
          name: 'window',
          kind: 'select',
          label: L('window'),
          options: ['lifetime', '12m'].map((w) => ({ value: w, label: t(`panel_pages.settings.window.${w}`) })),
        },
      ];
    case 'referrals':
      return [
        { name: 'enabled', kind: 'bool', label: L('referrals_enabled') },
        ...rewardSide('onJoin.referrer', t),
        ...rewardSide('onJoin.friend', t),
        int('onFirstPurchase.minAmount'),
        ...rewardSide('onFirstPurchase.referrer', t),
        ...rewardSide('onFirstPurchase.friend', t),
        int('limits.referrerRewardsPerDay'),
        int('limits.referrerRewardsTotal'),
        int('codeEntryDays'),
        { name: 'suggestAfterPurchase', kind: 'bool', label: L('suggestAfterPurchase') },
      ];
    case 'automations':
      return [
        { name: 'birthday.enabled', kind: 'bool', label: L('birthday_enabled') },
        { name: 'birthday.text', kind: 'textarea', label: L('birthday_text') },
        { name: 'winBack.enabled', kind: 'bool', label: L('winBack_enabled') },
        int('winBack.days'),
        { name: 'winBack.text', kind: 'textarea', label: L('winBack_text') },
        { name: 'welcome.enabled', kind: 'bool', label: L('welcome_enabled') },
        { name: 'welcome.steps', kind: 'json', label: L('welcome_steps') },
      ];
  }
}

/** Tier rows the operator left blank are no level: they are dropped before the schema sees the list. */
export function dropBlankLevels(value: Record<string, unknown>): void {
  const levels = value.levels;
  if (!Array.isArray(levels)) return;
  value.levels = levels.filter((l) => l && typeof l === 'object' && Object.keys(l as object).length > 0);
}
