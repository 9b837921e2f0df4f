import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PriceCatalog } from '../../../src-main/core/prices/price-catalog.js';
import type { ProviderId } from '../../../src-main/shared/providers.js';

/** The string literals of a TypeScript union type declared in an installed SDK's type definitions. */
function unionMembers(file: string, declaration: RegExp): string[] {
  const match = declaration.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file}: the model list moved; update this test`);
  return [...match[1]!.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** Models that do not generate text from a chat (music, speech, image generation): not chat models. */
const NOT_CHAT = /lyria|tts|image|nano-banana/;

const SDK_MODELS: Array<[ProviderId, string[]]> = [
  [
    'openai',
    [
      ...unionMembers('node_modules/openai/resources/shared.d.ts', /export type ChatModel = ([^;]*);/),
      ...unionMembers('node_modules/openai/resources/shared.d.ts', /export type ResponsesModel = ([^;]*);/),
    ],
  ],
  ['anthropic', unionMembers('node_modules/@anthropic-ai/sdk/resources/messages/messages.d.ts', /export type Model = ([^;]*);/)],
  ['google', unionMembers('node_modules/@google/genai/dist/genai.d.ts', /declare type Model_2 = ([^;]*);/)],
];

describe('price coverage of the models the official SDKs list', () => {
  it('prices at least 90% of the chat models of openai 6, @anthropic-ai/sdk 1.15 and @google/genai 2 from the bundled data', () => {
    const catalog = new PriceCatalog();
    const all: Array<[ProviderId, string]> = SDK_MODELS.flatMap(([provider, ids]) => [...new Set(ids)].filter((id) => !NOT_CHAT.test(id)).map((id) => [provider, id] as [ProviderId, string]));
    const unpriced = all.filter(([provider, id]) => catalog.lookup(provider, id).source === null).map(([p, id]) => `${p}/${id}`);
    expect(all.length).toBeGreaterThan(100);
    expect((all.length - unpriced.length) / all.length, `unpriced: ${unpriced.join(', ')}`).toBeGreaterThanOrEqual(0.9);
    // The ones the issue found unpriced before are priced now.
    for (const [provider, id] of [['anthropic', 'claude-sonnet-4-5'], ['anthropic', 'claude-opus-4-1'], ['openai', 'gpt-5.1'], ['google', 'gemini-3-pro-preview']] as const) {
      expect(catalog.lookup(provider, id).source, `${provider}/${id}`).toBe('catalog');
    }
  });

  it('names the entry whenever an SDK id is priced as another one', () => {
    const catalog = new PriceCatalog();
    for (const [provider, ids] of SDK_MODELS) {
      for (const id of ids) {
        const found = catalog.lookup(provider, id);
        if (found.source !== null) expect(found.priced_as, `${provider}/${id}`).toBeTruthy();
      }
    }
  });
});
