import { join } from 'node:path';
import { ConfigError, smsProvider, type Config } from '../../config.js';
import type { SmsSender } from '../../domain/sms/sms-sender.js';
import { kavenegarSender } from './kavenegar.js';
import { LocalSms } from './local/local-sms.js';
import { smsIrSender } from './smsir.js';

/** The SMS line SMS_PROVIDER names; undefined when SMS is off. A real provider needs SMS_API_KEY. */
export function createSmsSender(config: Config): { sender?: SmsSender; local?: LocalSms } {
  const provider = smsProvider(config);
  if (provider === 'none') return {};
  if (provider === 'local') {
    const local = new LocalSms({ stateFile: join(config.DATA_DIR, 'local-sms.json') });
    return { sender: local, local };
  }
  if (!config.SMS_API_KEY) throw new ConfigError('SMS_API_KEY', `is required when SMS_PROVIDER is ${provider}`);
  const opts = { apiKey: config.SMS_API_KEY, sender: config.SMS_SENDER, apiRoot: config.SMS_API_ROOT };
  return { sender: provider === 'kavenegar' ? kavenegarSender(opts) : smsIrSender(opts) };
}
