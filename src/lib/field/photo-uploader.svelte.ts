/**
 * Sends the queued photos (photo-queue.ts) to the server, oldest first, whenever there is a
 * chance: at once after a photo is added, when the browser says it is online again, and every
 * RETRY_MS. A photo leaves the queue only when the server has stored it. A failure that may pass
 * (no network, the server down, the session expired, the report not arrived yet) keeps it
 * waiting for the next try; a refusal for good (wrong type, too large, not allowed) keeps it too,
 * marked, until the person dismisses it: nothing is dropped without them seeing it.
 */
import { ApiError } from '$lib/domain/api/errors';
import { PHOTO_REFUSALS } from '$lib/domain/api/photos';
import { uploadPhoto } from '$lib/api/photos';
import { recordQueued } from '$lib/offline/waiting-registry';
import { PhotoQueue, type QueuedPhoto } from './photo-queue.ts';
import { perUser } from './per-user.ts';

export const RETRY_MS = 10_000;

/** Refusals that will not change by trying again. */
const FINAL: ReadonlySet<string> = new Set([
	PHOTO_REFUSALS.tooLarge,
	PHOTO_REFUSALS.wrongType,
	PHOTO_REFUSALS.malformed,
	PHOTO_REFUSALS.notAllowed,
	PHOTO_REFUSALS.idTaken,
	'forbidden',
	'invalid-request',
	'incident-not-found'
]);

export class PhotoUploader {
	#items = $state.raw<QueuedPhoto[]>([]);
	#running = false;
	#again = false;
	#timer: ReturnType<typeof setInterval> | null = null;
	readonly #queue: PhotoQueue;
	readonly #onOnline = () => void this.kick();
	/** The count last written to the waiting registry (-1: not yet). */
	#recorded = -1;

	constructor(readonly userId: string) {
		this.#queue = new PhotoQueue(userId);
	}

	/** Every photo still on the phone, oldest first. */
	get items(): QueuedPhoto[] {
		return this.#items;
	}
	get waiting(): QueuedPhoto[] {
		return this.#items.filter((p) => p.state === 'waiting');
	}
	get refused(): QueuedPhoto[] {
		return this.#items.filter((p) => p.state === 'refused');
	}
	/** Whether the photo is still on the phone (not yet on the server). */
	holds(photoId: string): boolean {
		return this.#items.some((p) => p.photoId === photoId);
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

	/** Keeps the photo on the phone (resolves once stored there), then tries to send it. */
	async add(photo: Omit<QueuedPhoto, 'attempts' | 'lastError' | 'state'>): Promise<void> {
		await this.#queue.put({ ...photo, attempts: 0, lastError: null, state: 'waiting' });
		await this.#reload();
		void this.kick();
	}

	/** Forgets a photo the server refused for good (the person saw why). */
	async dismiss(photoId: string): Promise<void> {
		await this.#queue.remove(photoId);
		await this.#reload();
	}

	/** Sends every waiting photo it can; a second call while sending runs once more after. */
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
				for (const photo of this.waiting) {
					if (!(await this.#send(photo))) break;
				}
			} while (this.#again);
		} finally {
			this.#running = false;
			await this.#reload().catch(() => undefined);
		}
	}

	/** One upload; false when trying the next one now is pointless (offline, server down). */
	async #send(photo: QueuedPhoto): Promise<boolean> {
		try {
			await uploadPhoto(photo.incidentId, photo.photoId, photo.target, photo.keepLocation, photo.blob);
			await this.#queue.remove(photo.photoId);
			return true;
		} catch (err) {
			const code = err instanceof ApiError ? err.code : 'network-error';
			const final = FINAL.has(code);
			await this.#queue.put({
				...photo,
				attempts: photo.attempts + 1,
				lastError: code,
				state: final ? 'refused' : 'waiting'
			});
			const status = err instanceof ApiError ? err.status : 0;
			return final || (status >= 400 && status < 500 && status !== 401);
		}
	}

	async #reload(): Promise<void> {
		this.#items = await this.#queue.list();
		// The device-wide count (logout asks, an app update waits): photos not yet on the server.
		const waiting = this.waiting.length;
		if (waiting !== this.#recorded) {
			this.#recorded = waiting;
			await recordQueued(this.userId, 'photos', waiting).catch((err: unknown) => {
				this.#recorded = -1;
				console.warn('sitroom: could not record waiting photos', err);
			});
		}
	}
}

/** The uploader of the logged-in user, started once and shared by the pages. */
export const photoUploader = perUser((userId) => new PhotoUploader(userId));
