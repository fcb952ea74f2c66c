import { isDomainError } from '../domain/errors.js';
import { CliError, openCliContext, type CliContext } from './context.js';
import { merchantUsage, runMerchantCommand } from './commands/merchant.js';
import { raffleUsage, runRaffleCommand } from './commands/raffle.js';
import { operatorUsage, runOperatorCommand } from './commands/operator.js';

const usage = `Usage:\n${merchantUsage}\n${operatorUsage}\n${raffleUsage}`;

async function run(argv: string[]): Promise<number> {
  const [group, ...args] = argv;
  let ctx: CliContext | undefined;
  const getContext = async () => (ctx ??= await openCliContext());
  try {
    switch (group) {
      case 'merchant':
        await runMerchantCommand(args, getContext);
        return 0;
      case 'operator':
        await runOperatorCommand(args, getContext);
        return 0;
      case 'raffle':
        await runRaffleCommand(args, getContext);
        return Number(process.exitCode ?? 0);
      case undefined:
      case 'help':
      case '--help':
        process.stderr.write(`${usage}\n`);
        return group === undefined ? 2 : 0;
      default:
        throw new CliError(`Unknown command "${group}"\n${usage}`, 2);
    }
  } catch (err) {
    if (err instanceof CliError) process.stderr.write(`${err.message}\n`);
    else if (isDomainError(err)) process.stderr.write(`${err.message}\n`);
    else if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    else process.stderr.write(`Failed: ${(err as Error).message}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    await ctx?.close();
  }
}

process.exitCode = await run(process.argv.slice(2));
