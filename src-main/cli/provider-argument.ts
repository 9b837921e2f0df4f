import { Argument } from 'commander';
import { PROVIDER_IDS } from '../shared/providers.js';

export function providerArgument(required = true): Argument {
  const arg = new Argument(required ? '<provider>' : '[provider]', PROVIDER_IDS.join(' | '));
  return arg.choices(PROVIDER_IDS);
}
