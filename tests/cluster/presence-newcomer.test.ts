/**
 * Presence across nodes for a newcomer, with real server processes on one PostgreSQL schema and
 * a Redis of the test's own: a client joining a room on a node that had not held the room yet sees
 * the presence of the clients already on other nodes at once, not when they next announce
 * themselves (clients renew their presence every 15 s): the node asks the room's other nodes when
 * it loads the room, and each answers with its own clients' presence.
 */
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { it } from 'vitest';
import { decodeFrame } from '../../src/lib/domain/frames.ts';
import { loginAt } from '../helpers/auth.ts';
import { eventually } from '../helpers/clients.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { awarenessFrame, connectRawSio, type RawSio } from '../helpers/raw-clients.ts';
import { describeRedis } from '../helpers/redis.ts';
import { sleep, topologiesPerTest } from './cluster-helpers.ts';

const hears = (raw: RawSio, text: string): boolean =>
	raw.received.some((f) => {
		const decoded = decodeFrame(f);
		return decoded.kind === 'awareness' && new TextDecoder().decode(decoded.update).includes(text);
	});

describePostgres('presence for a newcomer on several nodes', () => {
	describeRedis('real processes', () => {
		const { cleanup, open } = topologiesPerTest();
		const raw = async (url: string, room: string, cookie: string): Promise<RawSio> => {
			const r = await connectRawSio(url, room, cookie);
			cleanup.push(() => r.disconnect());
			return r;
		};
		/** Announces a presence once, as a client does when it joins (and then every 15 s). */
		const announce = async (r: RawSio, state: Record<string, unknown>): Promise<void> => {
			const d = new Y.Doc();
			const aw = new Awareness(d);
			aw.setLocalState(state);
			await r.send(awarenessFrame(encodeAwarenessUpdate(aw, [d.clientID])));
			aw.destroy();
		};

		it('[presence-1] a newcomer on a node that did not hold the room sees the presence on two other nodes within 2 s', async () => {
			const t = await open();
			const [n1, n2, n3] = [await t.start(), await t.start(), await t.start()];
			const room = 'presence-newcomer';
			const a = await raw(n1.url, room, (await loginAt(n1.url, 'commander')).cookie);
			const b = await raw(n2.url, room, (await loginAt(n2.url, 'water')).cookie);
			await announce(a, { cursor: 'on-node-1' });
			await announce(b, { cursor: 'on-node-2' });
			await eventually(
				() => hears(a, 'on-node-2') && hears(b, 'on-node-1'),
				5000,
				'nodes 1 and 2 see each other'
			);
			// Long after the announcements, a newcomer joins on node 3, which never held the room.
			await sleep(1000);
			const t0 = Date.now();
			const c = await raw(n3.url, room, (await loginAt(n3.url, 'chaotian')).cookie);
			await eventually(() => hears(c, 'on-node-1') && hears(c, 'on-node-2'), 2000, 'the newcomer sees both');
			console.log(
				`[presence-1] the newcomer saw the presence on two other nodes after ${Date.now() - t0} ms`
			);
			// And the others see the newcomer once it announces itself.
			await announce(c, { cursor: 'on-node-3' });
			await eventually(
				() => hears(a, 'on-node-3') && hears(b, 'on-node-3'),
				2000,
				'the others see the newcomer'
			);
		});
	});
});
