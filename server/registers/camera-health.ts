/**
 * Periodic health checks of the standing camera network (the cameras register): every camera's
 * stream is checked with the incident feeds' own probe and allow-list (server/feeds: HLS playlists
 * on hosts the operator allowed; RTSP/RTMP/WebRTC need a gateway and stay unknown), a few at a
 * time, once after start and then every CAMERA_CHECK_INTERVAL_MS. A result is written only when
 * it changed (Registers.recordCameraCheck), so the camera's history reads as when it went offline
 * and came back. The cameras page and the map layer show the row's status.
 *
 * Several nodes on one PostgreSQL database each sweep; the row's version makes a second writer of
 * the same change fail harmlessly (row-changed), and the next sweep sees the state already set.
 */
import type { Logger } from '../log.ts';
import { RegisterRefusal } from './refusal.ts';
import type { Registers } from './registers.ts';

export interface CameraCheck {
	id: string;
	code: string;
	state: string;
	detail: string;
	/** Whether this result changed the row. */
	written: boolean;
}

export interface CameraHealthOptions {
	registers: Registers;
	intervalMs: number;
	/** Probes in flight at once. */
	concurrency: number;
	log: Logger;
}

export class CameraHealthMonitor {
	readonly #o: CameraHealthOptions;
	#timer: NodeJS.Timeout | null = null;
	#first: NodeJS.Timeout | null = null;
	#running: Promise<CameraCheck[]> | null = null;
	#stopped = false;

	constructor(opts: CameraHealthOptions) {
		this.#o = opts;
	}

	/** Sweeps soon after start, then every interval (0: never). */
	start(): void {
		if (this.#timer || this.#stopped || this.#o.intervalMs === 0) return;
		const run = () =>
			void this.sweep().catch((err: unknown) => this.#o.log.warn({ err }, 'camera sweep failed'));
		this.#first = setTimeout(run, 0);
		this.#first.unref();
		this.#timer = setInterval(run, this.#o.intervalMs);
		this.#timer.unref();
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearInterval(this.#timer);
		if (this.#first) clearTimeout(this.#first);
		this.#timer = this.#first = null;
	}

	/** Checks every camera now; a sweep already running is shared. */
	sweep(): Promise<CameraCheck[]> {
		if (this.#stopped) return Promise.resolve([]);
		this.#running ??= this.#sweep().finally(() => (this.#running = null));
		return this.#running;
	}

	async #sweep(): Promise<CameraCheck[]> {
		const { registers, log } = this.#o;
		const cameras = await registers.repo.all('cameras');
		const out: CameraCheck[] = [];
		let next = 0;
		const worker = async () => {
			while (next < cameras.length && !this.#stopped) {
				const row = cameras[next++]!;
				const result = await registers.probe(String(row.data.url));
				let written = false;
				try {
					// The row as it is now: an edit made while the stream was checked is not undone.
					const current = await registers.repo.get('cameras', row.id);
					if (current && current.data.url === row.data.url)
						written = await registers.recordCameraCheck(current, result, null);
				} catch (err) {
					if (!(err instanceof RegisterRefusal)) throw err;
				}
				if (written)
					log.info(
						{ camera: row.code, state: result.state, detail: result.detail, cause: result.cause },
						'camera health changed'
					);
				out.push({ id: row.id, code: row.code, state: result.state, detail: result.detail, written });
			}
		};
		await Promise.all(Array.from({ length: Math.max(1, this.#o.concurrency) }, worker));
		return out;
	}
}
