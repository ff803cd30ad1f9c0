/**
 * Makes sure build/ holds the current app before a browser test serves it: builds once with
 * `vite build` when the build is missing or its source hash is stale (the same stamp `npm start`
 * uses), so a suite never tests yesterday's pages. Concurrent suites wait on a lock file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIsCurrent, writeBuildStamp } from '../../../server/build-stamp.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BUILD = path.join(ROOT, 'build');
const LOCK = path.join(ROOT, '.e2e-build.lock');

export async function ensureAppBuild(): Promise<void> {
	if (buildIsCurrent(ROOT, BUILD)) return;
	let fd: number | null = null;
	const t0 = Date.now();
	while (fd === null) {
		try {
			fd = fs.openSync(LOCK, 'wx');
		} catch {
			// Another suite is building; a lock older than 10 minutes belongs to a dead process.
			const st = fs.statSync(LOCK, { throwIfNoEntry: false });
			if (st && Date.now() - st.mtimeMs > 600_000) fs.rmSync(LOCK, { force: true });
			if (Date.now() - t0 > 600_000) throw new Error('timed out waiting for another app build');
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	try {
		if (buildIsCurrent(ROOT, BUILD)) return;
		execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
			cwd: ROOT,
			env: productionBuildEnv(),
			stdio: 'pipe',
			timeout: 600_000
		});
		writeBuildStamp(ROOT, BUILD);
	} finally {
		fs.closeSync(fd);
		fs.rmSync(LOCK, { force: true });
	}
}

/**
 * The environment `npm start` builds in. Vitest sets NODE_ENV=test, and Vite builds with the
 * 'development' export condition unless NODE_ENV is production: the app would then be built with
 * Svelte's and SvelteKit's development code (`dev` true), which is not what anyone deploys.
 */
function productionBuildEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
	for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'TEST') delete env[k];
	return env;
}
