/**
 * Applies changes to a room's document, each whole or not at all, and keeps the update each
 * produced, with what the hooks said of it, for the drain to commit: a peer's update (checked
 * whole, then by the checkUpdate hooks), a change relayed from another node (checked whole only:
 * it was judged where it was committed), and a server-made change (described by the hooks).
 */
import * as Y from 'yjs';
import { Close, type RefusedChange } from '#domain/protocol';
import type { Logger } from '../log.ts';
import { missingDependency } from './dependencies.ts';
import type { ChangeItem, Drain, RelayItem } from './drain.ts';
import { checkUpdateShape, type DecodedUpdate } from './frames.ts';
import type { HookResults, HookRunner } from './hook-runner.ts';
import type { Compensation } from './hooks.ts';
import type { Member } from './member.ts';
import { SERVER_ITSELF, type CommittedOrigin } from './origin.ts';
import { refuse, refuseAndClose } from './refusal.ts';
import { UpdateCapture } from './update-capture.ts';

export interface ChangeApplierOptions {
	name: string;
	/** The room's document itself, to listen to (not decoding it). */
	doc: Y.Doc;
	/** The room's document, decoded from storage first if it has not been. */
	materialized(): Y.Doc;
	hooks: HookRunner;
	/** An update applied in part: the document may differ from what is durable and must be reloaded. */
	mustReload(): void;
	/** An update made outside the applier (nothing should): it must be committed all the same. */
	stray(update: Uint8Array, origin: CommittedOrigin): void;
	log: Logger;
}

export class ChangeApplier {
	readonly #opts: ChangeApplierOptions;
	readonly #capture: UpdateCapture;

	constructor(opts: ChangeApplierOptions) {
		this.#opts = opts;
		this.#capture = new UpdateCapture(opts.doc, opts.stray);
	}

	/**
	 * A peer's update; throws a Refusal, having applied nothing of it. Returns the changes of it
	 * the hooks refused and the server undid at once (accept and compensate), or null.
	 */
	peerUpdate(
		member: Member,
		update: Uint8Array,
		drain: Drain,
		deviceAt: number | null = null
	): readonly RefusedChange[] | null {
		// Decoding and checking the whole update first means a malformed one fails here, before it
		// can half-apply to the document. The decoded form is shared with the hooks (the guard), so
		// an update is decoded once here and once more by Yjs when it applies it.
		const decoded = checkUpdateShape(update);
		// An empty update (a new client's sync step 2) changes nothing: nothing to check or store.
		if (isEmpty(decoded)) return null;
		this.#refuseUnlessWhole(decoded);
		const { results, compensations } = this.#opts.hooks.checkUpdate(member.peer, update, decoded, deviceAt);
		if (compensations === null) {
			this.#integrate(update, member.origin, results, drain);
			return null;
		}
		const refused = compensations.flatMap((c) => c.refused);
		this.#integrate(update, member.origin, results, drain, refused);
		this.#compensate(compensations, drain);
		return refused;
	}

	/**
	 * Undoes refused changes of the update just integrated, as one change of the server's own in
	 * the same drain: committed right after it and broadcast with it (delivery.ts), so nobody else
	 * sees a refused value as current.
	 */
	#compensate(compensations: readonly Compensation[], drain: Drain): void {
		const doc = this.#opts.materialized();
		this.#capture.start(SERVER_ITSELF);
		try {
			doc.transact(() => {
				for (const c of compensations) c.undo(doc);
			}, SERVER_ITSELF);
		} catch (err) {
			// Undoing is plain map and list edits on the server's own document; should one throw,
			// the document may hold a refused value: reload it from storage after this drain, as
			// for an update that failed half-way (the update and its refusals are not written).
			this.#capture.stop();
			drain.updates.pop();
			this.#opts.mustReload();
			throw refuseAndClose(Close.UpdateFailed, `refused changes could not be undone: ${String(err)}`);
		}
		const produced = this.#capture.stop();
		if (produced !== null)
			drain.updates.push({ update: produced, origin: SERVER_ITSELF, hookResults: null, compensates: true });
	}

	/** A change committed on another node: settled once it is broadcast, or with why it was not applied. */
	relayed({ update, origin, done }: RelayItem, drain: Drain): void {
		try {
			const decoded = checkUpdateShape(update);
			if (!isEmpty(decoded)) {
				this.#refuseUnlessWhole(decoded);
				this.#integrate(update, origin, null, drain);
			}
		} catch (err) {
			this.#opts.log.error(
				{ room: this.#opts.name, node: origin.node, seq: origin.seq, err },
				'relayed change not applied'
			);
			done(err);
			return;
		}
		drain.afterCommit(() => done());
	}

	/** A server-made change: settled once on disk, or with what it threw. */
	serverChange({ fn, origin, done }: ChangeItem, drain: Drain): void {
		let transaction = null as Y.Transaction | null;
		this.#capture.start(origin);
		try {
			const doc = this.#opts.materialized();
			doc.transact((tr) => {
				transaction = tr;
				fn(doc);
			}, origin);
			drain.acknowledgements.change(done);
		} catch (err) {
			done(err);
		} finally {
			// A change that threw half-way keeps what it did before (Yjs cannot roll a transaction
			// back): that is in the document, so it is written like any change.
			const update = this.#capture.stop();
			if (update !== null) {
				const results = origin.actingFor && transaction ? this.#opts.hooks.describeChange(transaction) : null;
				drain.updates.push({ update, origin, hookResults: results });
			}
		}
	}

	/** Refuses an update before any of it applies: Yjs would apply what it can and park the rest. */
	#refuseUnlessWhole(decoded: DecodedUpdate): void {
		const store = this.#opts.materialized().store;
		const missing = missingDependency(decoded, (client) => Y.getState(store, client));
		if (missing !== null) throw refuse(Close.MissingDependencies, missing);
	}

	/** Applies a checked update and keeps what it produced; refuses it if it did not apply whole. */
	#integrate(
		update: Uint8Array,
		origin: CommittedOrigin,
		hookResults: HookResults,
		drain: Drain,
		refusals?: readonly RefusedChange[]
	): void {
		const doc = this.#opts.materialized();
		this.#capture.start(origin);
		try {
			Y.applyUpdate(doc, update, origin);
		} catch (err) {
			// Regression (fuzz test): Yjs cannot roll a transaction back, so an update that throws
			// half-way may already have changed the document. Persist and broadcast none of it, and
			// reload the room from storage once this drain is done.
			this.#capture.stop();
			this.#opts.mustReload();
			throw refuseAndClose(Close.UpdateFailed, `update failed to apply: ${String(err)}`);
		}
		const produced = this.#capture.stop();
		const store = doc.store;
		if (store.pendingStructs !== null || store.pendingDs !== null) {
			// Parked by Yjs although the check above passed (only a malformed update can, such as
			// items of two clients that refer to each other). Drop the parked parts; if anything else
			// of the update applied, persist and show none of it and reload the room, as above.
			store.pendingStructs = null;
			store.pendingDs = null;
			if (produced !== null) {
				this.#opts.mustReload();
				throw refuseAndClose(
					Close.UpdateFailed,
					'update applied only in part: its other parts depend on each other'
				);
			}
			throw refuse(Close.MissingDependencies, 'update depends on changes the server does not have');
		}
		if (produced !== null) drain.updates.push({ update: produced, origin, hookResults, refusals });
		else if (refusals) throw new Error('an update with refused changes produced nothing');
	}
}

function isEmpty(decoded: DecodedUpdate): boolean {
	return decoded.structs.length === 0 && decoded.ds.clients.size === 0;
}
