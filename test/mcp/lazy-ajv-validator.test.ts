import { AjvJsonSchemaValidator as SdkValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { describe, expect, it } from 'vitest';
import { AjvJsonSchemaValidator } from '../../src-main/mcp/lazy-ajv-validator.js';

const schema = {
  type: 'object',
  properties: { provider: { type: 'string', enum: ['openai', 'anthropic'] }, budget_usd: { type: 'number', minimum: 0 }, email: { type: 'string', format: 'email' } },
  required: ['provider'],
  additionalProperties: false,
} as const;

describe('lazy Ajv validator (what the CLI bundle gives the MCP SDK)', () => {
  it('answers exactly as the SDK\'s own Ajv provider, valid and invalid input alike', () => {
    const lazy = new AjvJsonSchemaValidator().getValidator<Record<string, unknown>>(schema);
    const sdk = new SdkValidator().getValidator<Record<string, unknown>>(schema);
    const inputs: unknown[] = [
      { provider: 'openai' },
      { provider: 'openai', budget_usd: 2.5, email: 'a@example.com' },
      { provider: 'mistral' },
      { provider: 'anthropic', budget_usd: -1 },
      { provider: 'anthropic', email: 'not an email' },
      { provider: 'openai', extra: true },
      {},
      'openai',
    ];
    for (const input of inputs) expect(lazy(input)).toEqual(sdk(input));
    expect(lazy({ provider: 'mistral' }).valid).toBe(false);
    expect(lazy({ provider: 'openai' })).toEqual({ valid: true, data: { provider: 'openai' }, errorMessage: undefined });
  });
});
