/**
 * Whether a decoded update can be applied whole to a document, checked before anything of it is
 * applied.
 *
 * Yjs integrates what it can of an update and parks the rest (structs and deletions that refer to
 * changes it does not have) as pending. An update that only partly applies would change the
 * document, and so be written and shown to everyone, while its sender is told it was refused.
 * Regression (fuzz test): a deletion of one item the server had and one it lacked was refused
 * with update-missing-dependencies, yet the first deletion was in the log.
 *
 * Yjs's own rules (Item.getMissing, integrateStructs, readAndApplyDeleteSet), evaluated on the
 * state the document would have after the update: a client's structs must continue that client's
 * history without a gap; an item's origin, right origin and parent item on another client must
 * exist; a deletion must cover only clocks that exist.
 */
import * as Y from 'yjs';
import type { DecodedUpdate } from './frames.ts';

/**
 * Describes the first change `decoded` depends on that neither the document (`stateOf`: the
 * document's next clock for a client, Y.getState) nor the update itself provides; null when
 * there is none.
 */
export function missingDependency(
	decoded: DecodedUpdate,
	stateOf: (client: number) => number
): string | null {
	// How far each client's history reaches once the update is integrated: the document's state,
	// extended by the update's structs where they continue it without a gap.
	const reach = new Map<number, number>();
	const reachOf = (client: number): number => reach.get(client) ?? stateOf(client);
	for (const s of decoded.structs) {
		// A Skip is a gap the update leaves: it provides nothing.
		if (s instanceof Y.Skip) continue;
		const { client, clock } = s.id;
		const r = reachOf(client);
		if (clock > r)
			return `update continues client ${client} at clock ${clock}, the server has its clocks below ${r}`;
		reach.set(client, Math.max(r, clock + s.length));
	}
	for (const s of decoded.structs) {
		if (!(s instanceof Y.Item)) continue;
		const ref =
			lacking(s, s.origin, reachOf) ??
			lacking(s, s.rightOrigin, reachOf) ??
			lacking(s, s.parent instanceof Y.ID ? s.parent : null, reachOf);
		if (ref) {
			return `item ${s.id.client}:${s.id.clock} refers to ${ref.client}:${ref.clock}, which the server does not have`;
		}
	}
	for (const [client, ranges] of decoded.ds.clients) {
		const r = reachOf(client);
		for (const d of ranges) {
			if (d.clock + d.len > r) {
				return `update deletes ${client}:${d.clock}–${d.clock + d.len - 1}, the server has its clocks below ${r}`;
			}
		}
	}
	return null;
}

/**
 * `ref` when it is an item of another client than `item`'s beyond that client's reach, else null.
 * References within the item's own client are ordered by clock (checkUpdateShape). Called per
 * reference rather than over an array of them: this runs for every struct of every update.
 */
function lacking(item: Y.Item, ref: Y.ID | null, reachOf: (client: number) => number): Y.ID | null {
	return ref !== null && ref.client !== item.id.client && ref.clock >= reachOf(ref.client) ? ref : null;
}
