import { normalizeCode } from '../domain/members/codes.js';

export interface StartPayload {
  referralCode?: string;
  source?: string;
}

/**
 * Deep-link payloads: `r_<referral code>` or `s_<source tag>`, at most 64 characters of
 * A-Z a-z 0-9 _ - (Telegram's own limit). Anything else is ignored, never an error.
 */
export function parseStartPayload(payload: string | undefined): StartPayload {
  const p = payload?.trim() ?? '';
  if (!p || p.length > 64 || !/^[A-Za-z0-9_-]+$/.test(p)) return {};
  if (p.startsWith('r_')) {
    const code = normalizeCode(p.slice(2));
    return code ? { referralCode: code } : {};
  }
  if (p.startsWith('s_')) {
    const tag = p.slice(2).toLowerCase();
    return /^[a-z0-9_-]{1,40}$/.test(tag) ? { source: tag } : {};
  }
  return {};
}

/** The campaign a tracked link (`s_c<campaign id>`) carries, if that is what it is. */
export function campaignOf(payload: string | undefined): string | undefined {
  return /^c([0-9a-f-]{36})$/.exec(parseStartPayload(payload).source ?? '')?.[1];
}
