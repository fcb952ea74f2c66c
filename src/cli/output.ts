/** Results go to stdout (one JSON object with --json); everything else goes to stderr. */
export function printResult(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
}

export function printNote(message: string): void {
  process.stderr.write(`${message}\n`);
}
