import { describe, expect, it } from 'vitest';
import { translator } from '../../src/chat/i18n.js';
import { spinResultScreen } from '../../src/chat/screens/wheel-screens.js';
import type { ScreenContext } from '../../src/chat/screens/types.js';

const c: ScreenContext = { t: translator('fa'), locale: 'fa', clubName: 'کافه', moneyUnit: 'IRT', tierName: (k) => k };
const nothing = (label: string) =>
  spinResultScreen(
    { spinId: 's', replayed: false, prize: { label, kind: 'nothing', amount: null }, balances: { points: 0, coins: 0, credit: 0 } },
    null,
    c,
  ).text.split('\n')[0];

describe('the wheel’s answer to a losing spin', () => {
  it('a prize labelled “پوچ” is not repeated in brackets after “پوچ بود”', () => {
    expect(nothing('پوچ')).toBe('😅 این بار پوچ بود. شانس‌تان را دوباره امتحان کنید!');
  });

  it('a label of the club’s own still shows', () => {
    expect(nothing('شانس فردا')).toBe('😅 این بار پوچ بود (شانس فردا). شانس‌تان را دوباره امتحان کنید!');
  });
});
