/**
 * Hand-made Yjs updates (v1 encoding) with shapes no Yjs client produces: items of two clients
 * that wait on each other, GC runs of fresh client ids, items whose neighbours were garbage
 * collected. Written the way yjs/src/structs/Item.js `write` and `writeClientsStructs` write them,
 * so Y.decodeUpdate and Y.applyUpdate read them as any update.
 */
import * as encoding from 'lib0/encoding';

export type CraftedId = readonly [client: number, clock: number];

export type CraftedContent =
	{ any: unknown[] } | { deleted: number } | { type: 'map' | 'array' } | { string: string };

export type CraftedStruct =
	| { gc: number; client: number; clock: number }
	| {
			client: number;
			clock: number;
			origin?: CraftedId;
			rightOrigin?: CraftedId;
			/** A root's name or a parent item's id; written only when the item has no neighbours. */
			parent?: string | CraftedId;
			parentSub?: string;
			content: CraftedContent;
	  };

export type CraftedDelete = readonly [client: number, clock: number, len: number];

const BIT8 = 0x80;
const BIT7 = 0x40;
const BIT6 = 0x20;

function lengthOf(s: CraftedStruct): number {
	if ('gc' in s) return s.gc;
	const c = s.content;
	if ('any' in c) return c.any.length;
	if ('deleted' in c) return c.deleted;
	if ('string' in c) return c.string.length;
	return 1;
}

function writeId(e: encoding.Encoder, id: CraftedId): void {
	encoding.writeVarUint(e, id[0]);
	encoding.writeVarUint(e, id[1]);
}

function writeStruct(e: encoding.Encoder, s: CraftedStruct): void {
	if ('gc' in s) {
		encoding.writeUint8(e, 0);
		encoding.writeVarUint(e, s.gc);
		return;
	}
	const c = s.content;
	const ref = 'any' in c ? 8 : 'deleted' in c ? 1 : 'string' in c ? 4 : 7;
	const info =
		ref | (s.origin ? BIT8 : 0) | (s.rightOrigin ? BIT7 : 0) | (s.parentSub !== undefined ? BIT6 : 0);
	encoding.writeUint8(e, info);
	if (s.origin) writeId(e, s.origin);
	if (s.rightOrigin) writeId(e, s.rightOrigin);
	if (!s.origin && !s.rightOrigin) {
		const parent = s.parent ?? 'unnamed';
		if (typeof parent === 'string') {
			encoding.writeVarUint(e, 1);
			encoding.writeVarString(e, parent);
		} else {
			encoding.writeVarUint(e, 0);
			writeId(e, parent as CraftedId);
		}
		if (s.parentSub !== undefined) encoding.writeVarString(e, s.parentSub);
	}
	if ('any' in c) {
		encoding.writeVarUint(e, c.any.length);
		for (const v of c.any) encoding.writeAny(e, v as never);
	} else if ('deleted' in c) encoding.writeVarUint(e, c.deleted);
	else if ('string' in c) encoding.writeVarString(e, c.string);
	else encoding.writeVarUint(e, c.type === 'array' ? 0 : 1);
}

/**
 * One update holding `structs` (each client's consecutive from its first clock) and `deletes`.
 * Clients are written highest first, as Yjs writes them.
 */
export function craftUpdate(
	structs: readonly CraftedStruct[],
	deletes: readonly CraftedDelete[] = []
): Uint8Array {
	const e = encoding.createEncoder();
	const byClient = new Map<number, CraftedStruct[]>();
	for (const s of structs) {
		const list = byClient.get(s.client) ?? [];
		list.push(s);
		byClient.set(s.client, list);
	}
	const clients = [...byClient.keys()].sort((a, b) => b - a);
	encoding.writeVarUint(e, clients.length);
	for (const client of clients) {
		const list = byClient.get(client)!.sort((a, b) => a.clock - b.clock);
		encoding.writeVarUint(e, list.length);
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, list[0]!.clock);
		let clock = list[0]!.clock;
		for (const s of list) {
			if (s.clock !== clock) throw new Error(`structs of client ${client} must be consecutive`);
			writeStruct(e, s);
			clock += lengthOf(s);
		}
	}
	const dsClients = new Map<number, Array<readonly [number, number]>>();
	for (const [client, clock, len] of deletes) {
		const list = dsClients.get(client) ?? [];
		list.push([clock, len]);
		dsClients.set(client, list);
	}
	encoding.writeVarUint(e, dsClients.size);
	for (const [client, ranges] of dsClients) {
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, ranges.length);
		for (const [clock, len] of ranges) {
			encoding.writeVarUint(e, clock);
			encoding.writeVarUint(e, len);
		}
	}
	return encoding.toUint8Array(e);
}

/**
 * The security review's room-wide disconnect: two items of fresh clients `a` and `b` that each
 * name the other as right neighbour, next to `gcNeighbour` (a garbage-collected struct the server
 * has, so the inspector finds no field touched), plus a GC run of a third fresh client `c` that
 * applies on its own. Yjs parks the pair and applies the run.
 */
export function cyclicPendingUpdate(
	gcNeighbour: CraftedId,
	ids: { a: number; b: number; c: number } = { a: 7001, b: 7002, c: 7003 }
): Uint8Array {
	return craftUpdate([
		{ client: ids.a, clock: 0, origin: gcNeighbour, rightOrigin: [ids.b, 0], content: { any: ['a'] } },
		{ client: ids.b, clock: 0, origin: gcNeighbour, rightOrigin: [ids.a, 0], content: { any: ['b'] } },
		{ gc: 3, client: ids.c, clock: 0 }
	]);
}
