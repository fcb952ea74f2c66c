import { describe, expect, it } from 'vitest';
import { translator } from '../../src/chat/i18n.js';
import { isolateLatin, stripIsolates } from '../../src/chat/bidi.js';
import { wheelFrames } from '../../src/chat/screens/wheel-screens.js';

const fa = translator('fa');
const en = translator('en');
const LRI = '\u2066';
const PDI = '\u2069';

describe('Latin runs inside Persian messages are isolated so they read left to right', () => {
  it('a date, a command, a club name, a voucher code and a link in rendered Persian messages', () => {
    expect(fa('profile_steps.bad_birth_date')).toContain(`${LRI}1370-6-31${PDI}`);
    expect(fa('not_member')).toContain(`${LRI}/start${PDI}`);
    expect(fa('not_member')).not.toContain(`${LRI}/start:`);
    expect(fa('wheel.title', { club: 'HTTP Shop' })).toBe(`🎡 گردونه شانس ${LRI}HTTP Shop${PDI}`);
    expect(fa('wheel.won_voucher', { code: 'YALDA-7K2Q' })).toContain(`${LRI}YALDA-7K2Q${PDI}`);
    expect(fa('help.text', { club: 'کافه' })).toContain(
      `${LRI}/menu /balance /wheel /gifts /vouchers /raffles /invite /history /profile /lang /support /inbox /stop /help${PDI}`,
    );
  });

  it('Persian text, Persian digits and English messages are left as they are; a message built from parts is not wrapped twice', () => {
    expect(fa('wheel.title', { club: 'کافه تهران' })).toBe('🎡 گردونه شانس کافه تهران');
    expect(fa('wheel.cost', { cost: '۱۰', coins: '۲۵' })).not.toContain(LRI);
    expect(en('wheel.title', { club: 'HTTP Shop' })).not.toContain(LRI);
    const inner = fa('wheel.won_voucher', { code: 'ABC123' });
    expect(fa('wheel.won', { label: inner }).split(LRI)).toHaveLength(2);
  });

  it('a link is isolated whole (parentheses included), sentence punctuation stays outside, and pasted text loses the isolates', () => {
    const link = 'https://wa.me/989000000000?text=%D8%B3%D9%84%D8%A7%D9%85%20(r_AB3K9Z)';
    const shown = isolateLatin(`دعوت کنید: ${link}. کد: AB3K9Z`);
    expect(shown).toBe(`دعوت کنید: ${LRI}${link}${PDI}. کد: ${LRI}AB3K9Z${PDI}`);
    expect(stripIsolates(shown)).toBe(`دعوت کنید: ${link}. کد: AB3K9Z`);
  });

  it("the wheel's arrows point at the prize when read right to left", () => {
    const frames = wheelFrames(['۵۰ سکه', 'پوچ'], '۵۰ سکه', { t: fa } as never);
    expect(frames.at(-1)).toContain('⟵ ۵۰ سکه ⟶');
  });
});
