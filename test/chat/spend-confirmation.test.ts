import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Screen } from '../../src/chat/screens/types.js';
import { createTestWorld, joinedMember, type TestWorld } from '../helpers/services.js';

let w: TestWorld;
let merchantId: string;
beforeAll(async () => {
  w = await createTestWorld();
  merchantId = await w.newMerchant();
});
afterAll(() => w.close());

/** The nonce on a prompt's confirm button (the action of that kind). */
const nonceOf = (s: Screen, kind: 'gift.request' | 'raffle.buy' | 'voucher.buy') =>
  (s.buttons!.flat().find((b) => b.action?.kind === kind)!.action as { nonce: string }).nonce;

describe('every spend asks once; a newer prompt for the item replaces the older one', () => {
  it('a gift: two prompts and two confirms make one request, and the stale prompt says it was replaced', async () => {
    const gift = await w.services.gifts.create(merchantId, { title: 'Mug', costCurrency: 'coins', cost: 100 });
    const member = await joinedMember(w, merchantId, { coins: 500 });
    const first = await w.services.rewardChat.confirmGift(member, 'en', gift.id);
    const second = await w.services.rewardChat.confirmGift(member, 'en', gift.id);
    expect(first.text).toBe('🎁 Request “Mug” for 100 coins?\nYou have: 500 coins');
    expect((await w.services.members.get(merchantId, member.id)).balances.coins).toBe(500); // asking spends nothing

    const stale = await w.services.rewardChat.requestGift(member, 'en', gift.id, nonceOf(first, 'gift.request'));
    expect(stale.text).toBe('This offer was replaced by a newer one and nothing was spent; use the latest confirmation message.');
    const done = await w.services.rewardChat.requestGift(member, 'en', gift.id, nonceOf(second, 'gift.request'));
    expect(done.text).toContain('Mug');
    await w.services.rewardChat.requestGift(member, 'en', gift.id, nonceOf(second, 'gift.request')); // the same yes again: a replay
    expect(await w.services.gifts.requests(merchantId, { memberId: member.id })).toHaveLength(1);
    expect((await w.services.members.get(merchantId, member.id)).balances.coins).toBe(400);
  });

  it('raffle tickets: the older prompt buys nothing', async () => {
    const raffle = await w.services.raffles.create(merchantId, {
      title: 'Yalda',
      prizes: [{ title: 'TV', count: 1 }],
      entryRule: { kind: 'coins', price: 5 },
      closesAt: new Date(w.clock.now().getTime() + 3_600_000).toISOString(),
    });
    const member = await joinedMember(w, merchantId, { coins: 100 });
    const first = await w.services.rewardChat.confirmTickets(member, 'en', raffle.id, 2);
    const second = await w.services.rewardChat.confirmTickets(member, 'en', raffle.id, 2);
    await w.services.rewardChat.buyTickets(member, 'en', raffle.id, 2, nonceOf(first, 'raffle.buy'));
    await w.services.rewardChat.buyTickets(member, 'en', raffle.id, 2, nonceOf(second, 'raffle.buy'));
    expect(await w.services.raffles.memberTickets(raffle.id, member.id)).toHaveLength(2);
    expect((await w.services.members.get(merchantId, member.id)).balances.coins).toBe(90);
  });
});
