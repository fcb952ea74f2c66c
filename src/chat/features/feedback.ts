import { isAction, type Action } from '../actions.js';
import { FEEDBACK_ACTIONS, type Awaiting, type FeedbackStep } from '../feedback-chat.js';
import type { Turn } from '../turn.js';

/** A feedback screen; when it waits for typed text, the next message goes to it (undefined: what was awaited still is). */
function step(turn: Turn, s: FeedbackStep) {
  turn.show(s.screen);
  if (s.awaiting !== undefined) turn.session.flow = s.awaiting ? { kind: 'feedback', awaiting: s.awaiting } : undefined;
}

export async function openFeedback(turn: Turn, item: 'support' | 'inbox') {
  const { feedback } = turn.deps;
  step(turn, item === 'support' ? await feedback.support(turn.member, turn.locale) : await feedback.inbox(turn.member, turn.locale));
}

/** Survey and ticket buttons. Returns false when not one of these (or not this member's). */
export async function feedbackAction(turn: Turn, action: Action): Promise<boolean> {
  if (!isAction(action, ...FEEDBACK_ACTIONS)) return false;
  const s = await turn.deps.feedback.act(turn.member, turn.locale, action);
  // Stars and scores are answered once: their buttons are spent.
  turn.spent = isAction(action, 'survey.rate', 'survey.nps', 'survey.noComment');
  if (!s) return false;
  step(turn, s);
  return true;
}

/** The typed answer to what was asked: a survey comment or answer, a ticket's text or photo. */
export async function feedbackAnswer(turn: Turn, awaiting: Awaiting, text: string, photo: string | null) {
  step(turn, await turn.deps.feedback.text(turn.member, turn.locale, awaiting, text, photo));
}

/** The survey or ticket question in progress once more, after something that was not its answer; false when it is gone. */
export async function askFeedbackAgain(turn: Turn, awaiting: Awaiting): Promise<boolean> {
  const s = await turn.deps.feedback.askAgain(turn.member, turn.locale, awaiting);
  if (!s) return false;
  step(turn, s);
  return true;
}
