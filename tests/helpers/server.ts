/**
 * Starts a real Sitroom server in this process on port 0, with its own temporary data
 * directory, and removes it afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.ts';
import { silentLogger } from '../../server/log.ts';
import { startSitroom, type Sitroom } from '../../server/main.ts';

export interface TestServer extends Sitroom {
	dataDir: string;
	/** Stops the server and deletes its data directory. */
	dispose(): Promise<void>;
}

export function tempDataDir(prefix = 'sitroom-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestServer(
	env: Record<string, string> = {},
	opts: { dataDir?: string; keepData?: boolean } = {}
): Promise<TestServer> {
	const dataDir = opts.dataDir ?? tempDataDir();
	const config: Config = loadConfig({
		PORT: '0',
		HOST: '127.0.0.1',
		DATA_DIR: dataDir,
		SERVE_APP: '0',
		LOG_LEVEL: 'silent',
		...env
	});
	const s = await startSitroom(config, silentLogger());
	return Object.assign(s, {
		dataDir,
		async dispose() {
			await s.stop();
			if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
		}
	});
}
