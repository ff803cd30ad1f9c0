/**
 * Scenario (3): cold load. A room holding `entries` annotation-like entries (written as one
 * bulk import, the way a 10,000-annotation import arrives), then the time for a NEW client to
 * connect and finish its sync, until it holds every entry.
 *
 * For our server the first load comes after a restart (graceful stop, start on the same data
 * directory), so the room is read from SQLite (snapshot + log) before the client is answered.
 * The reference keeps documents only in memory, so its new client syncs against the live
 * document. The second figure is a new client while the room is in memory, on both servers.
 */
import type { Measures, Scenario } from './scenario.ts';

export function coldLoad(entries: number): Scenario {
	return {
		id: `cold-load-${entries}`,
		title: `Cold load, ${entries.toLocaleString('en-US')} entries`,
		detail: `a room with ${entries.toLocaleString('en-US')} annotations (Y.Map each: kind, label, note, geometry …); time for a new client to connect and sync`,
		note:
			'"new client sync, cold": ours and the durable reference after a server restart (the room loaded ' +
			'from SQLite, from LevelDB); the in-memory reference cannot restart with data, so a fresh client ' +
			'against its live document.',
		clientProcesses: 1,
		metrics: [
			{ key: 'encodedKB', label: 'encoded document size (KB)', digits: 0 },
			{
				key: 'coldMs',
				label: 'new client sync, cold (ms)',
				digits: 1,
				goal: { kind: 'ratio-at-most', ratio: 1 }
			},
			{ key: 'warmMs', label: 'new client sync, room in memory (ms)', digits: 1 },
			{
				key: 'missing',
				label: 'entries missing after sync (worst run)',
				digits: 0,
				goal: { kind: 'zero' },
				combine: 'max'
			}
		],
		async run({ server, pool, log }): Promise<Measures> {
			const worker = pool.workers[0]!;
			const room = 'bench-cold';
			let params = await server.clientParams();
			const load = (): Promise<{ entries: number; ms: number }> =>
				worker.ask(
					{
						type: 'load',
						client: { providerUrl: server.providerUrl, room, params },
						expectEntries: entries,
						timeoutMs: 60_000
					},
					'loaded'
				);

			const seeded = await worker.ask(
				{ type: 'seed', client: { providerUrl: server.providerUrl, room, params }, entries },
				'seeded'
			);
			log(
				`seeded ${seeded.entries} entries (${Math.round(seeded.encodedBytes / 1024)} KB) in ${Math.round(seeded.ms)} ms`
			);
			// The first new client also proves the server holds the whole import before any restart.
			const first = await load();
			if (first.entries < entries)
				throw new Error(`the server holds ${first.entries} of ${entries} entries after the import`);
			await worker.ask({ type: 'disconnect' }, 'ok');

			if (server.durable) {
				await server.restart();
				// Signing in is not part of the load: the token is in hand before the clock starts.
				params = await server.clientParams();
			}
			const cold = await load();
			const warm = await load();
			return {
				encodedKB: seeded.encodedBytes / 1024,
				coldMs: cold.ms,
				warmMs: warm.ms,
				missing: Math.max(entries - cold.entries, entries - warm.entries)
			};
		}
	};
}
