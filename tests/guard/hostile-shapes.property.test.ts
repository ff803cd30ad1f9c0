/**
 * Property: hand-made updates of the shapes a hostile member sends (runs that touch no field,
 * items that wait on each other, floods of fresh client ids, writes under other users' client
 * ids), sent by random members in random order to a real room with the guard, are each accepted
 * or refused exactly as a small model of the rules says; the room never resets, never closes
 * anyone but for the named reasons, and holds exactly what the model accepted.
 */
import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { whyNotWrite } from '../../src/lib/domain/policy.ts';
import { DEFAULT_CLIENT_ID_LIMITS } from '../../server/guard/guard.ts';
import { craftUpdate, cyclicPendingUpdate, type CraftedStruct } from '../helpers/crafted-updates.ts';
import { actors, type ActorName } from './fixtures.ts';
import { startHarness, type TestClient } from './room-harness.ts';

const MEMBERS: ActorName[] = ['commander', 'agency', 'townshipA', 'fieldA', 'fieldB', 'viewer', 'admin'];
/** Client ids members pick from, so that they collide with each other's. */
const POOL = [101, 102, 103, 104, 105, 106];

type Step =
	| { kind: 'run'; member: ActorName; client: number }
	| { kind: 'deleted'; member: ActorName; client: number }
	| { kind: 'cyclic'; member: ActorName }
	| { kind: 'flood'; member: ActorName; count: number };

const member = fc.constantFrom(...MEMBERS);
const step: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({ kind: fc.constant('run' as const), member, client: fc.constantFrom(...POOL) })
	},
	{
		weight: 2,
		arbitrary: fc.record({ kind: fc.constant('deleted' as const), member, client: fc.constantFrom(...POOL) })
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('cyclic' as const), member }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('flood' as const),
			member,
			count: fc.integer({ min: 1, max: 40 })
		})
	}
);

describe('hostile update shapes against the guard', () => {
	it('accepts or refuses each exactly as the rules say, and never resets the room', async () => {
		let fresh = 1_000;
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
				const h = await startHarness('incident-hostile');
				try {
					const clients = new Map<ActorName, TestClient>();
					for (const m of MEMBERS) clients.set(m, await h.join(actors[m]));
					// The model: each pool id's next clock and owner, and new ids bound per member.
					const clock = new Map<number, number>();
					const owner = new Map<number, string>();
					const bound = new Map<ActorName, number>();
					// A GC run of the commander's to stand next to, for the cyclic updates.
					const neighbour = fresh++;
					expect(
						await clients.get('commander')!.sendUpdate(craftUpdate([{ gc: 1, client: neighbour, clock: 0 }]))
					).toEqual({ ok: true });
					owner.set(neighbour, actors.commander.userId);
					bound.set('commander', 1);

					for (const s of steps) {
						const actor = actors[s.member];
						const c = clients.get(s.member)!;
						let update: Uint8Array;
						let expected: string;
						let newIds: number[] = [];
						if (s.kind === 'cyclic') {
							update = cyclicPendingUpdate([neighbour, 0], { a: fresh++, b: fresh++, c: fresh++ });
							expected = 'update-missing-dependencies';
						} else {
							const ids = s.kind === 'flood' ? Array.from({ length: s.count }, () => fresh++) : [s.client];
							const structs = ids.map((client): CraftedStruct => {
								const at = clock.get(client) ?? 0;
								return s.kind === 'deleted'
									? { client, clock: at, parent: 'wall', content: { deleted: 1 } }
									: { gc: 1, client, clock: at };
							});
							update = craftUpdate(structs);
							newIds = ids.filter((id) => !owner.has(id));
							const taken = ids.some((id) => owner.has(id) && owner.get(id) !== actor.userId);
							const count = bound.get(s.member) ?? 0;
							if (whyNotWrite(actor) !== null || taken) expected = 'forbidden';
							else if (newIds.length > DEFAULT_CLIENT_ID_LIMITS.perUpdate) expected = 'rate-limited';
							else if (count + newIds.length > DEFAULT_CLIENT_ID_LIMITS.perConnection)
								expected = 'rate-limited';
							else expected = 'ok';
							if (expected === 'ok') {
								for (const id of ids) clock.set(id, (clock.get(id) ?? 0) + 1);
								for (const id of newIds) owner.set(id, actor.userId);
								bound.set(s.member, count + newIds.length);
							}
						}
						const result = await c.sendUpdate(update);
						expect(result.ok ? 'ok' : result.close.reason, `${s.kind} by ${s.member}`).toBe(expected);
					}
					expect(h.room.state).toBe('ready');
					for (const c of clients.values()) expect(c.closed).toBeNull();
					// The room holds exactly the accepted runs (and the neighbour).
					const sv = Y.decodeStateVector(Y.encodeStateVector(h.room.doc));
					for (const [id, n] of clock) expect(sv.get(id) ?? 0, `client ${id}`).toBe(n);
					for (const id of sv.keys()) expect(clock.has(id) || id === neighbour, `client ${id}`).toBe(true);
				} finally {
					await h.dispose();
				}
			}),
			{ numRuns: Number(process.env.HOSTILE_RUNS ?? 40) }
		);
	});
});
