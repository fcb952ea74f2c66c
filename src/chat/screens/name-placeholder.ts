import { foldForMatch } from '../text-match.js';
import type { Translate } from '../i18n.js';

const PLACEHOLDER = /\{name\}/g;

/**
 * Fills `{name}` of a merchant's text. Without a name it becomes "dear friend", or plain "friend"
 * when the text already puts a word of endearment next to it ("{name} جان", "Dear {name}"), so
 * "سلام {name} عزیز!" reads "سلام دوست عزیز!" and not "سلام دوست عزیز عزیز!".
 */
export function fillName(text: string, name: string | null | undefined, t: Translate): string {
  if (name?.trim()) return text.replace(PLACEHOLDER, name.trim());
  const endearments = new Set(t('campaign.endearments').split('|').map(foldForMatch));
  return text.replace(PLACEHOLDER, (_, offset: number) => {
    const before = /(\S+)[ \t\u200c]+$/u.exec(text.slice(0, offset))?.[1];
    const after = /^[ \t\u200c]+(\S+)/u.exec(text.slice(offset + '{name}'.length))?.[1];
    const beside = [before, after].some((w) => w !== undefined && endearments.has(foldForMatch(w)));
    return t(beside ? 'campaign.friend_plain' : 'campaign.friend');
  });
}
