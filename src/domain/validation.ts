import type { z } from 'zod';
import { invalid } from './errors.js';
import type { CodeOf } from './error-codes.js';

/** Parses input with a schema, or throws `code` naming every field that is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code: CodeOf<'invalid'>, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message }));
  throw invalid(code, `Invalid ${what}: ${issues.map((i) => `${i.field || '(root)'} ${i.problem}`).join('; ')}`, { issues });
}
