import { describe, expect, it } from 'vitest';
import { evaluateEarningRules } from '../../src/domain/rules/evaluate.js';
import { earningSettingsSchema, tierSettingsSchema } from '../../src/domain/rules/settings.js';
import { merchantSettingsSchema } from '../../src/domain/merchants/settings.js';

const settings = (input: unknown = {}) => earningSettingsSchema.parse(input);
// 2026-11-27 is a Friday (جمعه). Tehran is UTC+03:30.
const friday = (tehranTime: string) => new Date(`2026-11-27T${tehranTime}:00+03:30`);
const base = { tier: 'bronze', occurredAt: friday('12:00') };

describe('earning rules', () => {
  it('default: 10 points per 100,000 Toman, rounded down', () => {
    expect(evaluateEarningRules(settings(), { ...base, amount: 99_999 }).points).toBe(9);
    expect(evaluateEarningRules(settings(), { ...base, amount: 100_000 }).points).toBe(10);
    expect(evaluateEarningRules(settings(), { ...base, amount: 1_234_567 }).points).toBe(123);
    expect(evaluateEarningRules(settings(), { ...base, amount: 9_999 }).points).toBe(0);
  });

  it('below the minimum purchase nothing is earned, and it says why', () => {
    const r = evaluateEarningRules(settings({ minPurchase: 200_000, cashbackPercent: 5 }), { ...base, amount: 199_999 });
    expect(r).toEqual({ points: 0, coins: 0, credit: 0, applied: [{ id: 'min_purchase', kind: 'min_purchase', minPurchase: 200_000 }] });
  });

  it('category multipliers apply only to the items of that category', () => {
    const s = settings({ rules: [{ id: 'coffee_x3', name: 'قهوه سه برابر', when: { categories: ['coffee'] }, multiplier: 3 }] });
    const r = evaluateEarningRules(s, {
      ...base,
      amount: 500_000,
      items: [
        { sku: 'latte', category: 'coffee', quantity: 2, unitPrice: 100_000 },
        { sku: 'cake', category: 'food', quantity: 1, unitPrice: 300_000 },
      ],
    });
    // coffee 200,000 × 3 + food 300,000 = 900,000 → 90 points
    expect(r.points).toBe(90);
    expect(r.applied.map((a) => a.id)).toEqual(['base', 'coffee_x3']);
  });

  it('a category rule does not fire for a basket without that category', () => {
    const s = settings({
      rules: [
        { id: 'coffee_x3', when: { categories: ['coffee'] }, multiplier: 3 },
        { id: 'coffee_bonus', when: { categories: ['coffee'] }, bonus: { coins: 5 } },
      ],
    });
    const r = evaluateEarningRules(s, {
      ...base,
      amount: 300_000,
      items: [{ sku: 'cake', category: 'food', quantity: 1, unitPrice: 300_000 }],
    });
    expect(r).toMatchObject({ points: 30, coins: 0 });
    expect(r.applied.map((a) => a.id)).toEqual(['base']);
  });

  it('items beyond the paid amount do not earn more than the amount (discounts)', () => {
    const s = settings({ rules: [{ id: 'x2', when: { categories: ['coffee'] }, multiplier: 2 }] });
    const r = evaluateEarningRules(s, {
      ...base,
      amount: 100_000,
      items: [{ sku: 'a', category: 'coffee', quantity: 3, unitPrice: 100_000 }],
    });
    expect(r.points).toBe(20);
  });

  it('double points on Fridays, judged in Tehran time (not UTC)', () => {
    const s = settings({ rules: [{ id: 'friday_x2', when: { weekdays: ['fri'] }, multiplier: 2 }] });
    // Thursday 21:00 UTC is already Friday 00:30 in Tehran.
    expect(evaluateEarningRules(s, { ...base, amount: 100_000, occurredAt: new Date('2026-11-26T21:00:00Z') }).points).toBe(20);
    // Friday 20:29 UTC is 23:59 in Tehran, still Friday; 20:31 UTC is Saturday.
    expect(evaluateEarningRules(s, { ...base, amount: 100_000, occurredAt: new Date('2026-11-27T20:29:00Z') }).points).toBe(20);
    expect(evaluateEarningRules(s, { ...base, amount: 100_000, occurredAt: new Date('2026-11-27T20:31:00Z') }).points).toBe(10);
  });

  it('happy hours: the window includes its start and excludes its end, and may cross midnight', () => {
    const s = settings({ rules: [{ id: 'late', when: { hours: { from: '22:00', to: '02:00' } }, multiplier: 2 }] });
    const at = (t: string) => evaluateEarningRules(s, { ...base, amount: 100_000, occurredAt: friday(t) }).points;
    expect(at('21:59')).toBe(10);
    expect(at('22:00')).toBe(20);
    expect(at('01:59')).toBe(20);
    expect(at('02:00')).toBe(10);
  });

  it('Nowruz promotion with Jalali dates: from the first moment of 1 Farvardin in Tehran', () => {
    const s = settings({ rules: [{ id: 'nowruz', when: { dates: { from: '۱۴۰۵/۰۱/۰۱', to: '1405/01/13' } }, bonus: { coins: 10 } }] });
    // 1405/01/01 = 2026-03-21. 20:29 UTC on 20 March is 23:59 in Tehran (still 1404/12/29).
    const coins = (iso: string) => evaluateEarningRules(s, { ...base, amount: 100_000, occurredAt: new Date(iso) }).coins;
    expect(coins('2026-03-20T20:29:00Z')).toBe(0);
    expect(coins('2026-03-20T20:30:00Z')).toBe(10);
    expect(coins('2026-04-02T20:29:00Z')).toBe(10); // 13 Farvardin, 23:59
    expect(coins('2026-04-02T20:30:00Z')).toBe(0);
  });

  it('tier benefits: multiplier, coins and cashback per tier', () => {
    const s = settings({
      cashbackPercent: 1,
      coinsPerAmount: { coins: 1, amount: 100_000 },
      tierBenefits: { gold: { pointsMultiplier: 1.5, coinsPerAmount: { coins: 3, amount: 100_000 }, cashbackPercent: 2.5 } },
    });
    expect(evaluateEarningRules(s, { ...base, amount: 1_000_000 })).toMatchObject({ points: 100, coins: 10, credit: 10_000 });
    const gold = evaluateEarningRules(s, { ...base, tier: 'gold', amount: 1_000_000 });
    expect(gold).toMatchObject({ points: 150, coins: 30, credit: 25_000 });
    expect(gold.applied.map((a) => a.id)).toEqual(['base', 'tier_gold']);
  });

  it('multipliers stack: category × purchase-wide × tier, rounding once at the end', () => {
    const s = settings({
      rules: [
        { id: 'coffee', when: { categories: ['coffee'] }, multiplier: 2 },
        { id: 'friday', when: { weekdays: ['fri'] }, multiplier: 1.5 },
      ],
      tierBenefits: { silver: { pointsMultiplier: 1.1 } },
    });
    const r = evaluateEarningRules(s, {
      ...base,
      tier: 'silver',
      amount: 123_456,
      items: [{ sku: 'c', category: 'coffee', quantity: 1, unitPrice: 123_456 }],
    });
    // 123,456 × 2 × 1.5 × 1.1 = 407,404.8 → 40.74 points → 40
    expect(r.points).toBe(40);
  });

  it('fixed bonuses, tier-limited and branch-limited rules, and the per-purchase cap', () => {
    const s = settings({
      caps: { pointsPerPurchase: 150 },
      rules: [
        { id: 'welcome_branch', when: { branches: ['vanak'] }, bonus: { points: 100, credit: 5_000 } },
        { id: 'gold_only', when: { tiers: ['gold'] }, multiplier: 10 },
        { id: 'big_basket', when: { minAmount: 1_000_000 }, bonus: { coins: 7 } },
      ],
    });
    const r = evaluateEarningRules(s, { ...base, branch: 'vanak', amount: 1_000_000 });
    expect(r).toMatchObject({ points: 150, coins: 7, credit: 5_000 });
    expect(r.applied.map((a) => a.id)).toEqual(['base', 'welcome_branch', 'big_basket', 'cap_per_purchase']);
    expect(r.applied.at(-1)).toEqual({ id: 'cap_per_purchase', kind: 'cap', cappedFrom: 200, cap: 150 });
    expect(evaluateEarningRules(s, { ...base, branch: 'tajrish', amount: 999_999 })).toMatchObject({ points: 99, coins: 0, credit: 0 });
  });

  it('disabled rules do nothing; huge amounts stay exact', () => {
    const s = settings({ rules: [{ id: 'off', enabled: false, multiplier: 5 }] });
    expect(evaluateEarningRules(s, { ...base, amount: 1e15 }).points).toBe(100_000_000_000);
  });
});

describe('settings validation', () => {
  it('fills defaults from an empty object', () => {
    const s = merchantSettingsSchema.parse({});
    expect(s.earning.pointsPerAmount).toEqual({ points: 10, amount: 100_000 });
    expect(s.tiers.levels.map((l) => l.key)).toEqual(['bronze', 'silver', 'gold']);
    expect(s.currency).toBe('IRT');
  });

  it.each([
    [{ earning: { rules: [{ id: 'x' }] } }, 'a rule needs a multiplier or a bonus'],
    [{ earning: { rules: [{ id: 'x', multiplier: 2, when: { hours: { from: '25:00', to: '02:00' } } }] } }, 'HH:MM'],
    [
      { earning: { rules: [{ id: 'x', multiplier: 2, when: { dates: { from: '1405/12/31', to: '1406/01/05' } } }] } },
      'not a valid date: 1405/12/31',
    ],
    [
      {
        earning: {
          rules: [
            { id: 'a', multiplier: 2 },
            { id: 'a', multiplier: 3 },
          ],
        },
      },
      'duplicate rule id a',
    ],
    [{ earning: { pointsPerAmount: { points: 10, amount: 0 } } }, ''],
    [{ earning: { unknownKnob: 1 } }, ''],
    [
      {
        tiers: {
          levels: [
            { key: 'bronze', threshold: 0 },
            { key: 'gold', threshold: 0 },
          ],
        },
      },
      'thresholds must increase',
    ],
    [{ tiers: { levels: [{ key: 'silver', threshold: 10 }] } }, 'the first tier starts at 0 points'],
    [{ tiers: { levels: [] } }, 'levels'],
  ])('rejects %j', (input, message) => {
    const result = merchantSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it('accepts 30 Esfand only in a leap year', () => {
    expect(tierSettingsSchema.safeParse({}).success).toBe(true);
    const rule = (d: string) =>
      earningSettingsSchema.safeParse({ rules: [{ id: 'r', multiplier: 2, when: { dates: { from: d, to: d } } }] }).success;
    expect(rule('1403/12/30')).toBe(true); // 1403 is a leap year
    expect(rule('1404/12/30')).toBe(false);
  });
});
