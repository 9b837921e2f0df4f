import { createRequire } from 'node:module';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';

type AjvProvider = typeof import('@modelcontextprotocol/sdk/validation/ajv');

const requireModule = createRequire(import.meta.url);

/**
 * The MCP SDK's own Ajv validator, loaded on its first use. The SDK's Server and Client build one
 * in their constructors and so load Ajv (about 180 KB of code, 13% of `keyway mcp`'s start-up CPU)
 * although Keyway's server only needs it for elicitation, which it never sends. The CLI bundle
 * (scripts/bundle-cli.mjs) puts this class where the SDK imports its Ajv provider; behaviour is
 * the SDK's, since every call goes to the SDK's provider (its CommonJS build, loaded synchronously).
 */
export class AjvJsonSchemaValidator implements jsonSchemaValidator {
  readonly #ajv: unknown;
  #inner: jsonSchemaValidator | undefined;

  constructor(ajv?: unknown) {
    this.#ajv = ajv;
  }

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    if (!this.#inner) {
      const { AjvJsonSchemaValidator: Provider } = requireModule('@modelcontextprotocol/sdk/validation/ajv') as AjvProvider;
      this.#inner = new Provider(this.#ajv as ConstructorParameters<typeof Provider>[0]);
    }
    return this.#inner.getValidator<T>(schema);
  }
}
