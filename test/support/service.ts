import { KeywayService, type ServiceOptions } from '../../src-main/core/service.js';
import { tempDir } from './temp-dir.js';

export const TEST_SECRET_KEY = 'keyway-test-secret-key';

/**
 * A KeywayService on a fresh temp data dir with the encrypted-file store, so a test needs neither
 * the OS keychain nor the developer's real data. Pass options to override anything.
 */
export function openTestService(options: ServiceOptions = {}): KeywayService {
  return KeywayService.open({
    dataDir: tempDir('keyway-data-'),
    store: 'file',
    cwd: tempDir('keyway-cwd-'),
    ...options,
    env: { SECRET_KEY: TEST_SECRET_KEY, ...options.env },
  });
}
