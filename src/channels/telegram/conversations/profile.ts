import type { Conversation } from '@grammyjs/conversations';
import { isDomainError } from '../../../domain/errors.js';
import type { ProfileUpdate } from '../../../domain/members/types.js';
import type { Translate } from '../../../chat/i18n.js';
import { parseBirthDate, parseCity, parseGender, parseName } from '../../../chat/profile-answers.js';
import type { ReplyKeyboard } from '../../../chat/screens/types.js';
import type { BotContext, BotDeps, ConversationContext } from '../context.js';
import { ask, SKIPPED } from './ask.js';

/**
 * The short profile: first name, last name, Jalali birth date, gender, city. Each answer is
 * saved as soon as it is given, so leaving halfway keeps what was said.
 */
export async function askProfile(conversation: Conversation<BotContext, ConversationContext>, ctx: ConversationContext, t: Translate, deps: BotDeps, memberId: string) {
  const skip: ReplyKeyboard = { kind: 'choices', options: [t('profile_steps.skip')] };
  const save = (update: ProfileUpdate) =>
    conversation.external(async () => {
      try {
        await deps.members.updateProfile(deps.merchantId, memberId, update);
        return true;
      } catch (err) {
        if (isDomainError(err)) return false;
        throw err;
      }
    });

  const first = await ask(conversation, ctx, t, t('profile_steps.first_name'), skip, parseName);
  if (first !== SKIPPED) await save({ firstName: first });
  const last = await ask(conversation, ctx, t, t('profile_steps.last_name'), skip, parseName);
  if (last !== SKIPPED) await save({ lastName: last });
  const birth = await ask(conversation, ctx, t, t('profile_steps.birth_date'), skip, (x) => parseBirthDate(x, deps.clock.now()));
  if (birth !== SKIPPED) await save({ birthDate: new Date(birth) });
  const gender = await ask(conversation, ctx, t, t('profile_steps.gender'), { kind: 'choices', options: [t('profile_steps.male'), t('profile_steps.female'), t('profile_steps.skip')] }, parseGender);
  if (gender !== SKIPPED) await save({ gender });
  const city = await ask(conversation, ctx, t, t('profile_steps.city'), skip, parseCity);
  if (city !== SKIPPED) await save({ city });
}
