/**
 * Whether a decoded update can be applied whole to a document, checked before anything of it is
 * applied.
 *
 * Yjs integrates what it can of an update and parks the rest (structs and deletions that refer to
 * changes it does not have) as pending. An update that only partly applies would change the
 * document, and so be written and shown to everyone, while its sender is told it was refused.
 * Regressions: (fuzz test) a deletion of one item the server had and one it lacked was refused
 * with update-missing-dependencies, yet the first deletion was in the log; (security review) two
 * items of different clients that each wait on the other, next to a struct that touches nothing,
 * passed a check that only asked whether each reference existed somewhere in the update: Yjs
 * parked the pair, applied the rest, and the room had to reset, closing every peer.
 *
 * So this runs Yjs's own integration order (`integrateStructs` in yjs/src/utils/encoding.js at
 * the pinned version, with `Item.getMissing`) on the decoded structs, advancing a simulated state
 * vector instead of integrating, and then Yjs's delete-set rule (`readAndApplyDeleteSet`): a
 * deletion applies only below the state the structs reached. Anything Yjs would park is reported.
 * Nothing here touches the document; the cost is one pass over the update's structs.
 */
import * as Y from 'yjs';
import type { DecodedUpdate } from './frames.ts';

type Struct = Y.Item | Y.GC | Y.Skip;

interface ClientRefs {
	/** Index of the next struct to integrate. */
	i: number;
	refs: Struct[];
}

/**
 * Describes the first change `decoded` depends on that neither the document (`stateOf`: the
 * document's next clock for a client, Y.getState) nor the update itself provides in an order
 * Yjs can integrate; null when the whole update would apply.
 */
export function missingDependency(
	decoded: DecodedUpdate,
	stateOf: (client: number) => number
): string | null {
	const state = new Map<number, number>();
	const stateAt = (client: number): number => state.get(client) ?? stateOf(client);
	const parked = integrationOrder(decoded.structs, stateAt, state);
	if (parked !== null) return parked;
	for (const [client, ranges] of decoded.ds.clients) {
		const reach = stateAt(client);
		for (const d of ranges) {
			if (d.clock + d.len > reach) {
				return `update deletes ${client}:${d.clock}–${d.clock + d.len - 1}, the server has its clocks below ${reach}`;
			}
		}
	}
	return null;
}

/**
 * Yjs's integrateStructs without integrating: walks the structs in the order Yjs would, chasing a
 * missing reference into the client that should provide it, and records each integrated struct's
 * end in `state`. Returns why the first struct Yjs would park is parked, or null.
 */
function integrationOrder(
	structs: readonly Struct[],
	stateAt: (client: number) => number,
	state: Map<number, number>
): string | null {
	if (structs.length === 0) return null;
	const byClient = new Map<number, ClientRefs>();
	for (const s of structs) {
		const c = byClient.get(s.id.client);
		if (c) c.refs.push(s);
		else byClient.set(s.id.client, { i: 0, refs: [s] });
	}
	// Yjs takes the highest client id first.
	const order = [...byClient.keys()].sort((a, b) => a - b);
	const nextTarget = (): ClientRefs | null => {
		while (order.length > 0) {
			const t = byClient.get(order[order.length - 1]!)!;
			if (t.i < t.refs.length) return t;
			order.pop();
		}
		return null;
	};
	let target = nextTarget();
	if (target === null) return null;
	const stack: Struct[] = [];
	let head: Struct = target.refs[target.i++]!;
	for (;;) {
		if (!(head instanceof Y.Skip)) {
			const { client, clock } = head.id;
			const offset = stateAt(client) - clock;
			if (offset < 0) {
				return `update continues client ${client} at clock ${clock}, the server has its clocks below ${stateAt(client)}`;
			}
			const missing = head instanceof Y.Item ? missingRef(head, stateAt) : null;
			if (missing !== null) {
				stack.push(head);
				const provider = byClient.get(missing.client);
				if (provider === undefined || provider.i === provider.refs.length) {
					// Nothing left in the update to provide it: Yjs parks the whole stack.
					const waiting = stack[0]!.id;
					return `item ${waiting.client}:${waiting.clock} waits on ${missing.client}:${missing.clock}, which the server does not have and the update does not provide first`;
				}
				head = provider.refs[provider.i++]!;
				continue;
			}
			if (offset < head.length) state.set(client, clock + head.length);
		}
		const popped = stack.pop();
		if (popped !== undefined) head = popped;
		else if (target !== null && target.i < target.refs.length) head = target.refs[target.i++]!;
		else {
			target = nextTarget();
			if (target === null) return null;
			head = target.refs[target.i++]!;
		}
	}
}

/**
 * Item.getMissing's first half: the first reference of `item` to another client beyond that
 * client's state, checked in Yjs's order (origin, right origin, parent). References within the
 * item's own client are ordered by clock (checkUpdateShape). Called per reference rather than over
 * an array of them: this runs for every struct of every update.
 */
function missingRef(item: Y.Item, stateAt: (client: number) => number): Y.ID | null {
	const { origin, rightOrigin, parent } = item;
	const own = item.id.client;
	if (origin !== null && origin.client !== own && origin.clock >= stateAt(origin.client)) return origin;
	if (rightOrigin !== null && rightOrigin.client !== own && rightOrigin.clock >= stateAt(rightOrigin.client))
		return rightOrigin;
	if (parent instanceof Y.ID && parent.client !== own && parent.clock >= stateAt(parent.client))
		return parent;
	return null;
}
