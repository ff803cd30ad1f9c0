/**
 * Hands back the update a change to the room's document produced. Yjs gives a transaction's
 * update only to the document's `update` listeners; the room needs it where it applied the
 * change, to keep it with what the hooks said of that change. Updates of any other transaction
 * (one the room did not start) go to `elsewhere`; the load's are written already and go nowhere.
 */
import * as Y from 'yjs';
import { originOf, type ChangeOrigin, type CommittedOrigin } from './origin.ts';

export class UpdateCapture {
	/** The origin whose transactions are being captured, while a change is applied. */
	#origin: ChangeOrigin | null = null;
	#update: Uint8Array | null = null;

	constructor(doc: Y.Doc, elsewhere: (update: Uint8Array, origin: CommittedOrigin) => void) {
		doc.on('update', (update: Uint8Array, transactionOrigin: unknown) => {
			if (this.#origin !== null && transactionOrigin === this.#origin) {
				// One change is one transaction; should an observer start another of the same origin, both are kept.
				this.#update = this.#update === null ? update : Y.mergeUpdates([this.#update, update]);
				return;
			}
			const origin = originOf(transactionOrigin);
			if (origin.kind !== 'load') elsewhere(update, origin);
		});
	}

	/** Starts capturing what transactions of `origin` produce. */
	start(origin: ChangeOrigin): void {
		this.#origin = origin;
		this.#update = null;
	}

	/** Stops capturing; returns what was produced (null: nothing changed). */
	stop(): Uint8Array | null {
		const update = this.#update;
		this.#origin = null;
		this.#update = null;
		return update;
	}
}
