import type { z } from 'zod';
import { KeywayError } from './errors.js';

/** Validates input at the service boundary and names every offending field in one message. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}`
        : // zod reports a refused record key as "Invalid key in record"; the key's own rule says why.
          issue.code === 'invalid_key'
          ? `invalid name: ${issue.issues.map((inner) => inner.message).join('; ')}`
          : issue.message;
    // Messages that already name their field ("input_tokens must be ...") need no prefix.
    return message.startsWith(`${String(issue.path.at(-1))} `) ? message : `${where}: ${message}`;
  });
  throw new KeywayError('invalid_input', `Invalid input. ${problems.join('; ')}.`);
}
