/**
 * Durable before visible, proven against the real process: edits survive a graceful restart,
 * and a `kill -9` at any moment loses nothing that anyone saw or was told was saved.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { loginAt, realtimeTokenAt } from '../helpers/auth.ts';
import { killAllChildServers, startChildServer, type ChildServer } from '../helpers/child-server.ts';
import {
	connectSio,
	connectYws,
	eventually,
	waitForSioSync,
	waitForSync,
	type SioClient,
	type YwsClient
} from '../helpers/clients.ts';
import { connectRawSio, updateFrame } from '../helpers/raw-clients.ts';
import { ADHOC_ROOMS, tempDataDir } from '../helpers/server.ts';
import { historyOf } from '../helpers/history.ts';

const EDITS = 500;

/** A demo commander's session cookie and y-websocket token on a running child server. */
async function credentials(server: ChildServer): Promise<{ cookie: string; token: string }> {
	const session = await loginAt(server.url, 'commander');
	return { cookie: session.cookie, token: await realtimeTokenAt(server.url, session) };
}
const SNAPSHOT_EVERY = 25;

describe('durability across restarts', () => {
	const dirs: string[] = [];
	const clients: Array<SioClient | YwsClient> = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await killAllChildServers();
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
	});

	it('keeps every saved edit across a graceful restart (SIGTERM exits 0)', async () => {
		const dataDir = tempDataDir('sitroom-durable-');
		dirs.push(dataDir);
		const first = await startChildServer(dataDir, ADHOC_ROOMS);
		const a = connectSio(first.url, 'graceful', { headers: { cookie: (await credentials(first)).cookie } });
		clients.push(a);
		await waitForSioSync(a);
		for (let i = 0; i < 100; i++) {
			a.doc.getMap('m').set(`k${i}`, i);
			a.doc.getArray('log').push([`entry ${i}`]);
		}
		await eventually(() => !a.provider.state.unsaved, 10_000, 'edits saved');
		const expected = { m: a.doc.getMap('m').toJSON(), log: a.doc.getArray('log').toJSON() };

		expect(await first.terminate()).toEqual({ code: 0, signal: null });

		const second = await startChildServer(dataDir, ADHOC_ROOMS);
		const b = connectYws(second.url, 'graceful', { token: (await credentials(second)).token });
		clients.push(b);
		await waitForSync(b.provider);
		expect({ m: b.doc.getMap('m').toJSON(), log: b.doc.getArray('log').toJSON() }).toEqual(expected);
	});

	// Early, late and a random point in between; the random one is printed in failure messages.
	const randomPoint = 60 + Math.floor(Math.random() * 380);
	it.each([
		['early', 40],
		['late', 480],
		['random', randomPoint]
	])(
		'loses nothing seen or acknowledged when killed with -9 (%s: after %i edits sent)',
		async (_name, killAfter) => {
			const dataDir = tempDataDir('sitroom-kill9-');
			dirs.push(dataDir);
			const env = { SNAPSHOT_EVERY: String(SNAPSHOT_EVERY) };
			const first = await startChildServer(dataDir, { ...ADHOC_ROOMS, ...env });
			const room = 'kill9';
			const { cookie, token } = await credentials(first);

			// B observes through the y-websocket endpoint: it can only ever see durable edits.
			const b = connectYws(first.url, room, { token });
			clients.push(b);
			await waitForSync(b.provider);

			// A writes through Socket.IO, one frame and one acknowledgement per edit.
			const writer = await connectRawSio(first.url, room, cookie);
			const aDoc = new Y.Doc();
			const acked = new Set<number>();
			const refusedAcks: string[] = [];
			let killed = false;
			let killing: Promise<unknown> | null = null;
			for (let i = 0; i < EDITS && !killed; i++) {
				let update: Uint8Array | null = null;
				const capture = (u: Uint8Array): void => void (update = u);
				aDoc.once('update', capture);
				aDoc.getMap('m').set(`k${i}`, i);
				void writer.send(updateFrame(update!)).then((ack) => {
					if (ack?.ok) acked.add(i);
					else if (ack) refusedAcks.push(`${i}: ${ack.reason}`);
				});
				if (i + 1 === killAfter) {
					killed = true;
					killing = first.kill();
				}
				// A steady pace: about 2 ms between edits.
				await new Promise((r) => setTimeout(r, 2));
			}
			expect((await killing) as unknown).toEqual({ code: null, signal: 'SIGKILL' });
			// Let frames already in B's socket buffer arrive before reading what B saw.
			await new Promise((r) => setTimeout(r, 200));
			const seenByB = [...b.doc.getMap('m').keys()].map((k) => Number(k.slice(1)));
			b.destroy();
			writer.disconnect();
			const what = `killed after ${killAfter} sent; B saw ${seenByB.length}, A had ${acked.size} acks`;
			expect(refusedAcks, what).toEqual([]);

			// The data at rest: loading (snapshot + log) gives the same document as replaying the log.
			const db = openDatabase({ file: path.join(dataDir, 'sitroom.db'), migrations: docLogMigrations });
			const store = new SqliteDocStore(db);
			const loaded = await store.load(room);
			const history = await historyOf(store, room);
			await store.close();
			db.close();
			const fromLoad = new Y.Doc();
			if (loaded.snapshot) Y.applyUpdate(fromLoad, loaded.snapshot);
			for (const u of loaded.updates) Y.applyUpdate(fromLoad, u.update);
			const fromLog = new Y.Doc();
			for (const u of history) Y.applyUpdate(fromLog, u.update);
			expect(fromLoad.getMap('m').toJSON(), what).toEqual(fromLog.getMap('m').toJSON());
			if (history.length > 2 * SNAPSHOT_EVERY) expect(loaded.snapshot, what).not.toBeNull();

			const second = await startChildServer(dataDir, { ...ADHOC_ROOMS, ...env });
			const c = connectYws(second.url, room, { token: (await credentials(second)).token });
			clients.push(c);
			await waitForSync(c.provider);
			const durable = new Set([...c.doc.getMap('m').keys()].map((k) => Number(k.slice(1))));
			for (const i of seenByB) expect(durable.has(i), `B saw k${i} but it was lost; ${what}`).toBe(true);
			for (const i of acked) expect(durable.has(i), `k${i} was acknowledged but lost; ${what}`).toBe(true);
			// A's edits form a chain (each depends on the one before), so what survives is a prefix.
			expect(
				[...durable].sort((x, y) => x - y),
				what
			).toEqual([...Array(durable.size).keys()]);
			for (const i of durable) expect(c.doc.getMap('m').get(`k${i}`)).toBe(i);
			// Past the first edits, both checks above must have had something to check.
			if (killAfter > 100) {
				expect(seenByB.length, what).toBeGreaterThan(0);
				expect(acked.size, what).toBeGreaterThan(0);
			}
			c.destroy();
			expect(await second.terminate()).toEqual({ code: 0, signal: null });
		}
	);
});
