import { describe, expect, it } from 'vitest';
import { broadcastEtaSeconds } from '../../src/domain/campaigns/broadcast-service.js';

const pace = { ratePerSecond: 25, whatsappIntervalMs: 1000 };

describe('the time a broadcast still needs', () => {
  it('is Telegram’s share at its rate when nobody is on WhatsApp only', () => {
    expect(broadcastEtaSeconds({ telegram: 2_500, whatsapp: 0 }, pace)).toBe(100);
    expect(broadcastEtaSeconds({ telegram: 1, whatsapp: 0 }, pace)).toBe(1);
  });

  it('is the slower channel when both drain at once: 300 WhatsApp messages at one a second outlast 2,500 on Telegram', () => {
    expect(broadcastEtaSeconds({ telegram: 2_500, whatsapp: 300 }, pace)).toBe(300);
    expect(broadcastEtaSeconds({ telegram: 2_500, whatsapp: 300 }, { ratePerSecond: 25, whatsappIntervalMs: 250 })).toBe(100);
  });

  it('is zero when nothing is left', () => {
    expect(broadcastEtaSeconds({ telegram: 0, whatsapp: 0 }, pace)).toBe(0);
  });
});
