/**
 * The confirmation prompt a member was shown last for each item they can spend on. A prompt's
 * confirm button carries its nonce; only the latest prompt's nonce spends, so two prompts opened
 * by a double tap buy once. The nonce stays current after the spend: pressing the same button
 * again replays the purchase (ledger idempotency) instead of buying again.
 */
export interface SpendOffers {
  offer(memberId: string, item: string, nonce: string): Promise<void>;
  isCurrent(memberId: string, item: string, nonce: string): Promise<boolean>;
}

export const spendItem = {
  gift: (id: string) => `gift:${id}`,
  voucher: (campaignId: string) => `voucher:${campaignId}`,
  raffle: (id: string) => `raffle:${id}`,
};
