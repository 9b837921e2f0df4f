import type { ProviderId } from '../../shared/providers.js';
import type { TokenCount } from '../../shared/usage.js';

/** OpenAI models on the newer o200k_base encoding; older GPT-4 and GPT-3.5 models use cl100k_base. */
const O200K_MODELS = /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o|codex|gpt-oss)/;

/**
 * Counts tokens with gpt-tokenizer. Exact for OpenAI models (it is OpenAI's own encoding); for
 * other providers an approximation, because their tokenizers are not published as packages.
 * The encodings are loaded on first use only (they are large).
 */
export async function countTextTokens(provider: ProviderId, model: string, text: string): Promise<TokenCount> {
  const countCl100k = async (t: string): Promise<number> => (await import('gpt-tokenizer/encoding/cl100k_base')).countTokens(t);
  if (provider === 'openai') {
    const o200k = O200K_MODELS.test(model);
    const tokenizer = o200k ? 'o200k_base' : 'cl100k_base';
    return {
      tokens: o200k ? (await import('gpt-tokenizer/encoding/o200k_base')).countTokens(text) : await countCl100k(text),
      exact: true,
      tokenizer,
      note: `exact: ${model} uses OpenAI's ${tokenizer} encoding`,
    };
  }
  return {
    tokens: await countCl100k(text),
    exact: false,
    tokenizer: 'cl100k_base',
    note: `approximate: ${provider} does not publish its tokenizer; counted with OpenAI's cl100k_base (typically within 10-20%)`,
  };
}
