/**
 * One event stream per page (GET /api/warnings/events, server-sent events) shared by whoever
 * listens: the alert banner and an open record page. The server decides which warnings a
 * connection hears of; EventSource reconnects by itself, and listeners reload what they show on
 * every (re)connection, so nothing missed while offline stays missed. An event lost on a stream
 * that stays open (between two servers when Redis dropped it, or by a proxy) would be missed
 * until the next reconnection: listeners also reload every WARNING_REREAD_MS while the page is
 * shown, so a warning reaches an open page within that time whatever the stream does.
 */
import { WARNING_EVENTS_URL } from '$lib/api/warnings';
import type { WarningEvent } from '$lib/domain/api/warnings';

/** How often a shown page reads its unacknowledged warnings again, stream or not. */
export const WARNING_REREAD_MS = 60_000;

type Listener = (e: WarningEvent | 'connected') => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

function open(): void {
	if (source || typeof EventSource === 'undefined') return;
	source = new EventSource(WARNING_EVENTS_URL);
	source.addEventListener('open', () => listeners.forEach((l) => l('connected')));
	source.addEventListener('warning', (m) => {
		let e: WarningEvent;
		try {
			e = JSON.parse((m as MessageEvent<string>).data) as WarningEvent;
		} catch {
			return;
		}
		listeners.forEach((l) => l(e));
	});
}

/** Listens to the stream (opening it if needed); returns the function that stops listening. */
export function onWarningEvent(listener: Listener): () => void {
	listeners.add(listener);
	open();
	return () => {
		listeners.delete(listener);
		if (listeners.size === 0) {
			source?.close();
			source = null;
		}
	};
}
