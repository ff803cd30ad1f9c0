/**
 * fast-check generators of hostile messages for the realtime transports: random bytes, valid
 * y-protocols frames with bit flips, truncation and extension, valid Yjs updates with mutated
 * bytes inside a well-formed frame, awareness updates with random JSON, text frames, and
 * Socket.IO events with argument types the typed event map never allows.
 */
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { MessageType, SyncType } from '../../src/lib/domain/protocol.ts';
import { craftUpdate, type CraftedStruct } from '../helpers/crafted-updates.ts';
import { awarenessFrame, syncFrame, updateFrame } from '../helpers/raw-clients.ts';

export type FuzzMessage =
	/** One binary frame, sent as is; `update` is set when the frame carries a sync update/step 2. */
	| { kind: 'frame'; label: string; bytes: Uint8Array; update?: Uint8Array }
	/** A text frame (y-websocket) or a string where a frame belongs (Socket.IO). */
	| { kind: 'text'; label: string; text: string }
	/** A Socket.IO event with arbitrary arguments (only sent on Socket.IO). */
	| { kind: 'sio-event'; label: string; event: string; args: unknown[]; withAck: boolean };

/** Valid updates from clients editing ad hoc roots and the incident schema, and valid frames around them. */
export function seedCorpus(author: { userId: string; orgId: string }): {
	updates: Uint8Array[];
	frames: Uint8Array[];
} {
	const updates: Uint8Array[] = [];
	for (let c = 0; c < 3; c++) {
		const doc = new Y.Doc();
		doc.on('update', (u: Uint8Array) => updates.push(u));
		const inc = new IncidentDoc(doc);
		inc.addLogEntry(`fuzz-${c}`, {
			kind: 'follow_up',
			text: `续报 ${c}`,
			createdBy: author.userId,
			ownerOrgId: author.orgId,
			createdAt: new Date(0).toISOString()
		});
		inc.patch('log', `fuzz-${c}`, { text: `续报 ${c} (改)` });
		doc.getMap('m').set(`k${c}`, { n: c, s: 'x'.repeat(c * 10) });
		doc.getArray('a').insert(0, [c, `v${c}`, null, true]);
		doc.getArray('a').delete(1, 1);
		doc.getText('t').insert(0, '会商');
		const nested = new Y.Map<unknown>();
		doc.getMap('m').set(`nested${c}`, nested);
		nested.set('deep', new Y.Array());
		doc.getMap('m').delete(`k${c}`);
		updates.push(Y.encodeStateAsUpdate(doc));
		doc.destroy();
	}
	const frames: Uint8Array[] = [
		syncFrame(SyncType.step1, Y.encodeStateVector(new Y.Doc())),
		syncFrame(SyncType.step1, Uint8Array.of(1, 7, 3)),
		Uint8Array.of(MessageType.queryAwareness),
		awarenessFrame(awarenessUpdate(4242, 1, { user: { name: 'fuzz' }, cursor: null })),
		...updates.map((u) => updateFrame(u)),
		...updates.slice(-1).map((u) => syncFrame(SyncType.step2, u))
	];
	return { updates, frames };
}

export function awarenessUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
	return awarenessUpdateRaw(clientId, clock, JSON.stringify(state) ?? 'null');
}

function awarenessUpdateRaw(clientId: number, clock: number, json: string): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, clientId);
	encoding.writeVarUint(e, clock);
	encoding.writeVarString(e, json);
	return encoding.toUint8Array(e);
}

type Mutation =
	| { op: 'flip'; at: number; bit: number }
	| { op: 'set'; at: number; value: number }
	| { op: 'truncate'; at: number }
	| { op: 'extend'; tail: Uint8Array }
	| { op: 'splice'; at: number; insert: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
	fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
	fc.record({ op: fc.constant('extend' as const), tail: fc.uint8Array({ minLength: 1, maxLength: 24 }) }),
	fc.record({
		op: fc.constant('splice' as const),
		at: fc.nat(),
		insert: fc.uint8Array({ minLength: 1, maxLength: 8 })
	})
);

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
	let b = Uint8Array.from(input);
	for (const m of mutations) {
		const at = b.length === 0 ? 0 : ('at' in m ? m.at : 0) % b.length;
		switch (m.op) {
			case 'flip':
				if (b.length) b[at] = b[at]! ^ (1 << m.bit);
				break;
			case 'set':
				if (b.length) b[at] = m.value;
				break;
			case 'truncate':
				b = b.slice(0, at);
				break;
			case 'extend':
				b = Uint8Array.from([...b, ...m.tail]);
				break;
			case 'splice':
				b = Uint8Array.from([...b.slice(0, at), ...m.insert, ...b.slice(at)]);
				break;
		}
	}
	return b;
}

const mutations = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

/**
 * Hand-made updates of the shapes a hostile member sends (security review): GC runs and deleted
 * content that touch no field, items of several clients that refer to each other (cycles Yjs
 * parks), runs continuing client ids someone else wrote under, and floods of fresh client ids.
 */
const craftedUpdateArb: fc.Arbitrary<Uint8Array> = fc.oneof(
	fc
		.array(
			fc.record({
				client: fc.integer({ min: 1, max: 6 }),
				gc: fc.boolean(),
				origin: fc.option(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.nat({ max: 3 })), { nil: undefined }),
				rightOrigin: fc.option(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.nat({ max: 3 })), {
					nil: undefined
				}),
				root: fc.constantFrom('log', 'wall', 'tasks', 'm'),
				start: fc.nat({ max: 2 })
			}),
			{ minLength: 1, maxLength: 6 }
		)
		.map((drawn) => {
			const next = new Map<number, number>();
			const structs = drawn.map((d): CraftedStruct => {
				const clock = next.get(d.client) ?? d.start;
				next.set(d.client, clock + 1);
				if (d.gc) return { gc: 1, client: d.client, clock };
				const own = (r: readonly [number, number] | undefined) =>
					r && r[0] === d.client && r[1] >= clock ? undefined : r;
				const origin = own(d.origin);
				const rightOrigin = own(d.rightOrigin);
				return origin || rightOrigin
					? { client: d.client, clock, origin, rightOrigin, content: { deleted: 1 } }
					: { client: d.client, clock, parent: d.root, content: { deleted: 1 } };
			});
			return craftUpdate(structs);
		}),
	fc
		.tuple(fc.integer({ min: 33, max: 80 }), fc.integer({ min: 1, max: 2 ** 30 }))
		.map(([n, base]) =>
			craftUpdate(Array.from({ length: n }, (_, i) => ({ gc: 1, client: base + i, clock: 0 })))
		)
);

/** Values of every JSON-able and non-JSON-able kind, for Socket.IO arguments. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.string(),
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
	fc.jsonValue(),
	fc.uint8Array({ maxLength: 64 }),
	fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 3 })
);

/**
 * Every kind of hostile message; Socket.IO events only when `sio`. Weighted so that about half
 * keep the connection open: a connection per closing message is what costs the most time.
 */
export function messageArb(
	corpus: { updates: Uint8Array[]; frames: Uint8Array[] },
	room: string,
	sio: boolean
): fc.Arbitrary<FuzzMessage> {
	const frame = (label: string, bytes: Uint8Array): FuzzMessage => ({ kind: 'frame', label, bytes });
	const kinds: Array<fc.WeightedArbitrary<FuzzMessage>> = [
		{
			weight: 2,
			arbitrary: fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => frame('random-bytes', b))
		},
		{
			weight: 1,
			arbitrary: fc
				.tuple(
					fc.constantFrom(MessageType.sync, MessageType.awareness, 2, 3, 4, 127, 200),
					fc.uint8Array({ maxLength: 80 })
				)
				.map(([t, b]) => frame('random-after-type', Uint8Array.from([t, ...b])))
		},
		{
			weight: 3,
			arbitrary: fc
				.tuple(fc.constantFrom(...corpus.frames), mutations)
				.map(([f, m]) => frame('mutated-frame', mutate(f, m)))
		},
		{
			weight: 6,
			arbitrary: fc
				.tuple(
					fc.constantFrom(...corpus.updates),
					mutations,
					fc.constantFrom(SyncType.update, SyncType.step2)
				)
				.map(([u, m, sub]) => {
					const update = mutate(u, m);
					return { kind: 'frame', label: 'mutated-update', bytes: syncFrame(sub, update), update };
				})
		},
		{
			weight: 3,
			arbitrary: fc.constantFrom(...corpus.updates).map((update) => ({
				kind: 'frame' as const,
				label: 'valid-update',
				bytes: updateFrame(update),
				update
			}))
		},
		{ weight: 3, arbitrary: fc.constantFrom(...corpus.frames).map((f) => frame('valid-frame', f)) },
		{
			weight: 3,
			arbitrary: fc
				.tuple(craftedUpdateArb, fc.constantFrom(SyncType.update, SyncType.step2))
				.map(([update, sub]) => ({
					kind: 'frame' as const,
					label: 'crafted-update',
					bytes: syncFrame(sub, update),
					update
				}))
		},
		{
			weight: 4,
			arbitrary: fc
				.tuple(
					fc.nat(),
					fc.nat(),
					fc.oneof(
						fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
						// Mostly objects: valid states keep the connection open for the next message.
						fc.dictionary(fc.string(), fc.jsonValue()).map((v) => JSON.stringify(v)),
						fc.dictionary(fc.string(), fc.jsonValue()).map((v) => JSON.stringify(v)),
						fc.string()
					)
				)
				.map(([id, clock, json]) =>
					frame('awareness-json', awarenessFrame(awarenessUpdateRaw(id, clock, json)))
				)
		},
		{
			weight: 1,
			arbitrary: fc.string({ maxLength: 100 }).map((text) => ({ kind: 'text' as const, label: 'text', text }))
		}
	];
	if (sio) {
		kinds.push({
			weight: 4,
			arbitrary: fc
				.tuple(
					fc.constantFrom('y', 'y', 'y', 'join', 'leave', 'unknown-event'),
					fc.oneof(fc.constant(room), oddValue),
					oddValue,
					fc.boolean()
				)
				.map(([event, name, payload, withAck]) => ({
					kind: 'sio-event' as const,
					label: `sio-${event}-args`,
					event,
					// join with a string other than our room would open arbitrary rooms: keep it ours.
					args: event === 'join' && typeof name === 'string' ? [room, payload] : [name, payload],
					withAck
				}))
		});
	}
	return fc.oneof(...kinds);
}
