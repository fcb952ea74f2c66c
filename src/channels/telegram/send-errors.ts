import { GrammyError } from 'grammy';

/**
 * What a failed send to a member's chat means. Only 403 (blocked, deactivated) and a deactivated
 * user say the member cannot be reached; "chat not found" (400) says the Bot API does not know
 * the chat (a wrong id, or a Bot API that lost its state), which is no reason to stop writing.
 */
export function memberUnreachable(err: unknown): boolean {
  return err instanceof GrammyError && (err.error_code === 403 || (err.error_code === 400 && /user is deactivated/.test(err.description)));
}

export function chatNotFound(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /chat not found/i.test(err.description);
}
