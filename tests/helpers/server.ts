/**
 * Starts a real Sitroom server in this process on port 0, with its own temporary data
 * directory, and removes it afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.ts';
import { silentLogger, type Logger } from '../../server/log.ts';
import { startSitroom, type Sitroom } from '../../server/main.ts';
import { loginAt, realtimeTokenAt, type TestSession } from './auth.ts';

export interface TestServer extends Sitroom {
	dataDir: string;
	/** Stops the server and deletes its data directory. */
	dispose(): Promise<void>;
	/** Logs in as a demo account (default `commander`); `.cookie` goes in a Socket.IO client's headers. */
	login(username?: string, password?: string): Promise<TestSession>;
	/** Logs in and returns a y-websocket token: `connectYws(url, room, { token })`. */
	token(username?: string, room?: string): Promise<string>;
}

/**
 * The environment that lets a test use rooms that are no incident (ALLOW_ADHOC_ROOMS, unguarded):
 * for tests of the realtime core itself, which sync arbitrary documents.
 */
export const ADHOC_ROOMS: Readonly<Record<string, string>> = { ALLOW_ADHOC_ROOMS: '1' };

export function tempDataDir(prefix = 'sitroom-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestServer(
	env: Record<string, string> = {},
	/** `log`: where the server logs (default: nowhere), for tests that look at what an operator sees. */
	opts: { dataDir?: string; keepData?: boolean; log?: Logger } = {}
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
	const s = await startSitroom(config, opts.log ?? silentLogger());
	const password = env.SITROOM_DEMO_PASSWORD;
	return Object.assign(s, {
		dataDir,
		login: (username = 'commander', pw = password) => loginAt(s.url, username, pw),
		async token(username = 'commander', room?: string) {
			return realtimeTokenAt(s.url, await loginAt(s.url, username, password), room);
		},
		async dispose() {
			await s.stop();
			if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
		}
	});
}
