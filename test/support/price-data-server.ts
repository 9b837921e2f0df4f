import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Provider } from '@pydantic/genai-prices';

const genai = createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

/** The bundled data of the providers Keyway prices, as plain JSON (the shape of the library's data.json). */
export function bundledPriceData(): Provider[] {
  const ids = ['anthropic', 'openai', 'google'];
  return JSON.parse(JSON.stringify(ids.map((id) => genai.findProvider({ providerId: id })!))) as Provider[];
}

/** Newer price data as a test serves it: gpt-4o re-priced, a new model added, one removed. */
export function newerPriceData(): Provider[] {
  const data = bundledPriceData();
  const openai = data.find((p) => p.id === 'openai')!;
  const gpt4o = openai.models.find((m) => m.id === 'gpt-4o')!;
  gpt4o.prices = { ...(gpt4o.prices as Record<string, number>), input_mtok: 3 };
  openai.models.unshift({ id: 'gpt-9', match: { equals: 'gpt-9' }, prices: { input_mtok: 7, output_mtok: 21, cache_read_mtok: 0.7 } });
  const anthropic = data.find((p) => p.id === 'anthropic')!;
  anthropic.models = anthropic.models.filter((m) => m.id !== 'claude-v1');
  return data;
}

/** A price-data host on 127.0.0.1 (tests never reach the internet); `body` and `status` can change between requests. */
export class PriceDataServer {
  body: string = JSON.stringify(newerPriceData());
  status = 200;
  requests = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<PriceDataServer> {
    let self: PriceDataServer | undefined;
    const server = createServer((_req, res) => {
      self!.requests++;
      res.writeHead(self!.status, { 'content-type': 'application/json' });
      res.end(self!.body);
    });
    self = new PriceDataServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/data.json`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A 127.0.0.1 URL nothing listens on: "offline". */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/data.json`;
}
