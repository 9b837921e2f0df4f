import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src-main/gateway/dialects/index.js';
import { COMPAT_PATHS, isGatewayPath } from '../../src-main/gateway/paths.js';

describe('gateway paths', () => {
  it('covers every dialect prefix and the OpenAI-compatible endpoint, and nothing next to them', () => {
    for (const dialect of DIALECTS) expect(isGatewayPath(`${dialect.prefix}/v1/anything`)).toBe(true);
    for (const path of COMPAT_PATHS) expect(isGatewayPath(path)).toBe(true);
    for (const path of ['/openai', '/openaix/v1/chat', '/v1/chat/completions/extra', '/api/dashboard.get', '/ui/', '/mcp']) expect(isGatewayPath(path)).toBe(false);
  });
});
