/**
 * The real server process (`npm start`'s entry point) lives through a promise rejection nobody
 * handled: it logs it at level error and carries on, and still stops cleanly on SIGTERM. The
 * rejection is made by code preloaded into the process (NODE_OPTIONS --import).
 */
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { UNHANDLED_REJECTION } from '../../server/unhandled-rejections.ts';
import { killAllChildServers, startChildServer } from '../helpers/child-server.ts';
import { eventually } from '../helpers/clients.ts';
import { tempDataDir } from '../helpers/server.ts';

const dirs: string[] = [];
afterEach(async () => {
	await killAllChildServers();
	for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('[unhandled-3] an unhandled rejection in the server process is logged at level error; the process serves on and stops with exit 0', async () => {
	const dataDir = tempDataDir('sitroom-unhandled-');
	dirs.push(dataDir);
	// Percent-encoded: NODE_OPTIONS splits at spaces.
	const preload = `data:text/javascript,${encodeURIComponent(
		// Once the entry point installed its listener (before it, Node would end the process).
		'const t = setInterval(() => { if (process.listenerCount("unhandledRejection") > 0) { clearInterval(t); Promise.reject(new Error("rejected on purpose")); } }, 50); t.unref();'
	)}`;
	const child = await startChildServer(dataDir, {
		NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim()
	});
	await eventually(
		() => child.logs.some((l) => l.msg === UNHANDLED_REJECTION),
		20_000,
		'the rejection logged'
	);
	const line = child.logs.find((l) => l.msg === UNHANDLED_REJECTION)!;
	expect(line.level).toBe(50);
	expect((line.err as { message?: string }).message).toBe('rejected on purpose');
	const health = await fetch(`${child.url}/healthz`);
	expect(health.status).toBe(200);
	expect(await child.terminate()).toEqual({ code: 0, signal: null });
}, 60_000);
