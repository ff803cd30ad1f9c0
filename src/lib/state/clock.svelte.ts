/**
 * A shared minute-resolution clock, so overdue marks appear without anyone touching the page.
 * Ticks only while something reads it.
 */
import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 30_000;

class Clock {
	#subscribe = createSubscriber((update) => {
		const timer = setInterval(update, TICK_MS);
		return () => clearInterval(timer);
	});

	get now(): number {
		this.#subscribe();
		return Date.now();
	}
}

export const clock = new Clock();
