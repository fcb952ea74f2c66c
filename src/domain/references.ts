import { unprocessable } from './errors.js';

/** Things a request body may point at by id; each belongs to one merchant. */
export type ReferenceKind = 'voucher_campaign' | 'gift' | 'survey' | 'member';

export interface ReferenceStore {
  /** Of these ids, the ones that name this merchant's rows of that kind. */
  owned(merchantId: string, kind: ReferenceKind, ids: string[]): Promise<Set<string>>;
}

export interface Reference {
  kind: ReferenceKind;
  id: string;
  /** Where in the body it was, e.g. `prizes.2.giftId` (for the error's details). */
  field: string;
}

const UNKNOWN = {
  voucher_campaign: ['unknown_voucher_campaign', 'No voucher campaign of this club has this id'],
  gift: ['unknown_gift', 'No gift of this club has this id'],
  survey: ['unknown_survey', 'No survey of this club has this id'],
  member: ['unknown_member', 'No member of this club has this id'],
} as const;

/**
 * Every id a body names must be the caller's own: another merchant's id is treated exactly like
 * one that does not exist (422 naming the field), so nobody learns which ids exist elsewhere.
 */
export async function requireOwnReferences(store: ReferenceStore, merchantId: string, refs: Reference[]): Promise<void> {
  for (const kind of [...new Set(refs.map((r) => r.kind))]) {
    const ofKind = refs.filter((r) => r.kind === kind);
    const owned = await store.owned(merchantId, kind, [...new Set(ofKind.map((r) => r.id.toLowerCase()))]);
    const missing = ofKind.find((r) => !owned.has(r.id.toLowerCase()));
    if (missing) {
      const [code, message] = UNKNOWN[kind];
      throw unprocessable(code, message, { field: missing.field, id: missing.id });
    }
  }
}
