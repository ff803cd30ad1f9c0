/**
 * What is selected in a room (a task, annotation, figure row, log entry or feed), so the
 * attribution panel can say who made it and who last changed it.
 */
import type { AttributedCollection } from '$lib/domain/api/audit';

export interface Selected {
	collection: AttributedCollection;
	id: string;
	/** A short human label for the panel's heading. */
	label: string;
}

export class Selection {
	#current = $state<Selected | null>(null);

	get current(): Selected | null {
		return this.#current;
	}
	select(s: Selected): void {
		this.#current = s;
	}
	isSelected(collection: AttributedCollection, id: string): boolean {
		return this.#current?.collection === collection && this.#current.id === id;
	}
	clear(): void {
		this.#current = null;
	}
}
