/**
 * `npm start`: builds the app if there is no build yet, starts the server, and stops it
 * gracefully on SIGTERM/SIGINT (pending writes committed, peers told why, exit code 0). A promise
 * rejection nobody handled is logged, not fatal (unhandled-rejections.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIsCurrent, writeBuildStamp } from './build-stamp.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startSitroom } from './main.ts';
import { logUnhandledRejections } from './unhandled-rejections.ts';

async function main(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	// Logged loudly instead of ending the process and every incident it owns: see the module.
	logUnhandledRejections(process, log);
	const root = process.cwd();
	const buildDir = path.resolve('build');
	if (config.serveApp && !buildIsCurrent(root, buildDir)) {
		log.info('the app build is missing or out of date: building it first (about a minute)');
		// A production build whatever NODE_ENV says: otherwise Vite would build Svelte's development
		// code and the development pages (src/hooks.ts).
		const r = spawnSync('npx', ['vite', 'build'], {
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, NODE_ENV: 'production' }
		});
		if (r.status !== 0) throw new Error('the app build failed');
		writeBuildStamp(root, buildDir);
	}
	const sitroom = await startSitroom(config, log);
	let stopping = false;
	const onSignal = (signal: NodeJS.Signals): void => {
		if (stopping) return;
		stopping = true;
		log.info({ signal }, 'signal received');
		const timer = setTimeout(() => {
			log.error('graceful stop took too long; exiting');
			process.exit(1);
		}, config.shutdownGraceMs);
		timer.unref();
		sitroom.stop().then(
			() => process.exit(0),
			(err: unknown) => {
				log.error({ err }, 'error while stopping');
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGINT', onSignal);
}

main().catch((err: unknown) => {
	if (err instanceof ConfigError) {
		console.error(err.message);
	} else {
		console.error(err);
	}
	process.exit(1);
});
