/**
 * The real server on PostgreSQL (DATABASE_URL), as `npm start` runs it: nothing is written under
 * DATA_DIR; the demo accounts and incident are seeded once and found again after a restart; and
 * a kill -9 in the middle of editing loses nothing anyone saw or was told was saved. A team's
 * position-sharing interval set before the kill is there after it (positions' PostgreSQL tables).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { afterEach, expect, it } from 'vitest';
import { loginAt, realtimeTokenAt, setTeamIntervalAt } from '../helpers/auth.ts';
import { killAllChildServers, startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { connectYws, waitForSync, type YwsClient } from '../helpers/clients.ts';
import { describePostgres, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { connectRawSio, updateFrame } from '../helpers/raw-clients.ts';
import { ADHOC_ROOMS, tempDataDir } from '../helpers/server.ts';

async function credentials(server: ChildServer): Promise<{ cookie: string; token: string }> {
	const session = await loginAt(server.url, 'commander');
	return { cookie: session.cookie, token: await realtimeTokenAt(server.url, session) };
}

describePostgres('the server on PostgreSQL', () => {
	const dirs: string[] = [];
	const schemas: string[] = [];
	const clients: YwsClient[] = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await killAllChildServers();
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
		for (const s of schemas.splice(0)) await dropSchema(s);
	});

	it('keeps everything in PostgreSQL and loses nothing seen or saved when killed with -9', async () => {
		const dataDir = tempDataDir('sitroom-pg-');
		dirs.push(dataDir);
		const schema = freshSchemaName();
		schemas.push(schema);
		const env = {
			...ADHOC_ROOMS,
			DATABASE_URL: TEST_DATABASE_URL,
			DATABASE_SCHEMA: schema,
			SNAPSHOT_EVERY: '25'
		};
		const first = await startChildServer(dataDir, env);
		const room = 'pg-kill9';
		const TEAM = 'twp-510812100-squad';
		await setTeamIntervalAt(first.url, await loginAt(first.url, 'commander'), TEAM, 300_000);
		const { cookie, token } = await credentials(first);
		const b = connectYws(first.url, room, { token });
		clients.push(b);
		await waitForSync(b.provider);

		const writer = await connectRawSio(first.url, room, cookie);
		const aDoc = new Y.Doc();
		const acked = new Set<number>();
		const refused: string[] = [];
		const KILL_AFTER = 150;
		for (let i = 0; i < KILL_AFTER; i++) {
			let update: Uint8Array | null = null;
			aDoc.once('update', (u: Uint8Array) => void (update = u));
			aDoc.getMap('m').set(`k${i}`, i);
			void writer.send(updateFrame(update!)).then((ack) => {
				if (ack?.ok) acked.add(i);
				else if (ack) refused.push(`${i}: ${ack.reason}`);
			});
			await new Promise((r) => setTimeout(r, 3));
		}
		expect(await first.kill()).toEqual({ code: null, signal: 'SIGKILL' });
		await new Promise((r) => setTimeout(r, 200));
		const seenByB = [...b.doc.getMap('m').keys()].map((k) => Number(k.slice(1)));
		b.destroy();
		writer.disconnect();
		const what = `B saw ${seenByB.length}, A had ${acked.size} acks`;
		expect(refused, what).toEqual([]);
		expect(acked.size, what).toBeGreaterThan(0);
		// Nothing is in a SQLite file: the document log and every repository are on PostgreSQL.
		expect(fs.existsSync(path.join(dataDir, 'sitroom.db'))).toBe(false);
		expect(fs.existsSync(path.join(dataDir, 'sitroom-features.db'))).toBe(false);

		// The same accounts log in after the restart: identity lives in PostgreSQL.
		const second = await startChildServer(dataDir, env);
		const c = connectYws(second.url, room, { token: (await credentials(second)).token });
		clients.push(c);
		await waitForSync(c.provider);
		const durable = new Set([...c.doc.getMap('m').keys()].map((k) => Number(k.slice(1))));
		for (const i of seenByB) expect(durable.has(i), `B saw k${i} but it was lost; ${what}`).toBe(true);
		for (const i of acked) expect(durable.has(i), `k${i} was acknowledged but lost; ${what}`).toBe(true);
		expect(
			[...durable].sort((x, y) => x - y),
			what
		).toEqual([...Array(durable.size).keys()]);
		// The demo incident was seeded once, not again at the second start.
		const incidents = (await (
			await fetch(`${second.url}/api/incidents`, { headers: { cookie: (await credentials(second)).cookie } })
		).json()) as { incidents: unknown[] };
		expect(incidents.incidents).toHaveLength(1);
		const intervals = (await (
			await fetch(`${second.url}/api/teams/share-intervals`, {
				headers: { cookie: (await credentials(second)).cookie }
			})
		).json()) as { intervals: Array<{ orgId: string; intervalMs: number }> };
		expect(intervals.intervals.find((i) => i.orgId === TEAM)?.intervalMs).toBe(300_000);
		expect(second.logs.some((l) => l.msg === 'PostgreSQL stores open')).toBe(true);
		expect(await second.terminate()).toEqual({ code: 0, signal: null });
	});
});
