/**
 * Sends the queued position fixes (track-queue.ts) to the server in batches, oldest first, per
 * incident: at once after a fix is added, when the browser says it is online again, and every
 * RETRY_MS. A failure that may pass (no network, the server down, the session expired) keeps the
 * fixes for the next try. The server's answer names each fix it refused (a phone's clock far off,
 * a faulty fix); those, and a batch refused whole for good (the incident closed, the right to
 * share withdrawn), leave the queue and are listed in `refused` for the person to see: nothing
 * leaves the phone unsent without them being told. The notices are kept in the queue's database
 * (per user, per incident and reason) until the person dismisses them, so a reload keeps them.
 */
import { ApiError } from '$lib/domain/api/errors';
import { MAX_FIXES_PER_POST } from '$lib/domain/api/positions';
import { postFixes } from '$lib/api/positions';
import { recordQueued } from '$lib/offline/waiting-registry';
import { TrackQueue, type QueuedFix, type RefusedFixes } from './track-queue.ts';
import { perUser } from './per-user.ts';

export const RETRY_MS = 15_000;

export type { RefusedFixes } from './track-queue.ts';

/** Whole-request answers that will not change by sending again. */
const FINAL: ReadonlySet<string> = new Set([
	'positions-not-allowed',
	'incident-closed',
	'incident-not-found',
	'invalid-request',
	'forbidden'
]);

export class TrackSender {
	#items = $state.raw<QueuedFix[]>([]);
	#refused = $state.raw<RefusedFixes[]>([]);
	#running = false;
	#again = false;
	#timer: ReturnType<typeof setInterval> | null = null;
	readonly #queue: TrackQueue;
	readonly #onOnline = () => void this.kick();
	/** The count last written to the waiting registry (-1: not yet). */
	#recorded = -1;

	constructor(readonly userId: string) {
		this.#queue = new TrackQueue(userId);
	}

	/** Fixes of the incident still on the phone. */
	waiting(incidentId: string): number {
		return this.#items.filter((f) => f.incidentId === incidentId).length;
	}
	/** What the server did not take, newest last, until dismissed. */
	refused(incidentId: string): RefusedFixes[] {
		return this.#refused.filter((r) => r.incidentId === incidentId);
	}
	/**
	 * Forgets the incident's notices (on the phone too), once the person has seen them: off the
	 * screen only once the deletion is committed (a reload meanwhile would abort it).
	 */
	async dismiss(incidentId: string): Promise<void> {
		await this.#queue.dismiss(incidentId);
		this.#refused = this.#refused.filter((r) => r.incidentId !== incidentId);
		await this.#reload();
	}

	start(): void {
		if (this.#timer) return;
		addEventListener('online', this.#onOnline);
		this.#timer = setInterval(this.#onOnline, RETRY_MS);
		void this.kick();
	}

	stop(): void {
		removeEventListener('online', this.#onOnline);
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		this.#queue.close();
	}

	/** Keeps the fix on the phone (resolves once stored there), then tries to send. */
	async add(fix: QueuedFix): Promise<void> {
		await this.#queue.put(fix);
		await this.#reload();
		void this.kick();
	}

	/** Sends what waits; a second call while sending runs once more after. */
	async kick(): Promise<void> {
		if (this.#running) {
			this.#again = true;
			return;
		}
		this.#running = true;
		try {
			do {
				this.#again = false;
				await this.#reload();
				const incidents = this.#items.map((f) => f.incidentId).filter((id, i, all) => all.indexOf(id) === i);
				for (const incidentId of incidents) {
					if (!(await this.#sendIncident(incidentId))) return;
				}
			} while (this.#again);
		} catch {
			// IndexedDB failed: the next kick tries again.
		} finally {
			this.#running = false;
			await this.#reload().catch(() => undefined);
		}
	}

	/** Every batch of one incident; false when trying more now is pointless (offline, server down). */
	async #sendIncident(incidentId: string): Promise<boolean> {
		for (;;) {
			const batch = (await this.#queue.list(incidentId)).slice(0, MAX_FIXES_PER_POST);
			if (batch.length === 0) return true;
			const notices: RefusedFixes[] = [];
			try {
				const answer = await postFixes(
					incidentId,
					batch.map((f) => ({ at: f.at, lonLat: f.lonLat, accuracy: f.accuracy }))
				);
				for (const r of answer.refused) note(notices, incidentId, batch[r.index]!.at, r.error, r.message);
			} catch (err) {
				const code = err instanceof ApiError ? err.code : 'network-error';
				if (!FINAL.has(code)) return false;
				note(notices, incidentId, batch.at(-1)!.at, code, (err as Error).message, batch.length);
			}
			await this.#queue.settle(batch, notices);
		}
	}

	async #reload(): Promise<void> {
		this.#items = await this.#queue.list();
		this.#refused = await this.#queue.refused();
		// The device-wide count (logout asks, an app update waits): fixes not yet on the server.
		const waiting = this.#items.length;
		if (waiting !== this.#recorded) {
			this.#recorded = waiting;
			await recordQueued(this.userId, 'fixes', waiting).catch((err: unknown) => {
				this.#recorded = -1;
				console.warn('sitroom: could not record waiting position fixes', err);
			});
		}
	}
}

/** Adds one refusal to the batch's notices: one per reason, counts added up. */
function note(
	notices: RefusedFixes[],
	incidentId: string,
	at: number,
	error: string,
	message: string,
	count = 1
): void {
	const same = notices.find((n) => n.error === error);
	if (same) {
		same.count += count;
		same.at = Math.max(same.at, at);
		same.message = message;
	} else {
		notices.push({ incidentId, count, error, message, at });
	}
}

/** The sender of the logged-in user, started once and shared by the pages. */
export const trackSender = perUser((userId) => new TrackSender(userId));
