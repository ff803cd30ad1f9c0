/**
 * One health check of one feed: fetch its HLS playlist and say whether it looks alive. Online
 * means an answer of 200 whose body starts with `#EXTM3U` (RFC 8216 §4.3.1.1) within the timeout.
 * Redirects are not followed: the target could be a host the operator did not allow.
 *
 * No answer at all (refused, timed out, reset, closed, no such name, a TLS failure) is one
 * outcome, `unreachable`: whoever may add a feed sees the result, and telling "refused" from
 * "timeout" from "closed" would tell them which ports are open and which are filtered. Why it
 * failed goes to the server log only (`cause`, never written to the document or answered).
 */
import type { FeedHealth } from '#domain/vocabulary';
import { parseFeedUrl } from '#domain/feeds';
import type { FeedAllowlist } from './allowlist.ts';

export interface ProbeResult {
	state: FeedHealth;
	/** A short stable code for the UI: 'ok', 'http-404', 'unreachable', 'not-allowed', … */
	detail: string;
}

/** A result with, for the operator's log only, why a feed was unreachable ('timeout', 'econnrefused', …). */
export interface ProbeOutcome extends ProbeResult {
	cause?: string;
}

export interface ProbeOptions {
	allowlist: FeedAllowlist;
	timeoutMs: number;
}

/** Enough to see the tag and to keep a hostile "playlist" from filling memory. */
const MAX_BODY_BYTES = 64 * 1024;

export async function probeFeed(url: unknown, opts: ProbeOptions): Promise<ProbeOutcome> {
	const parsed = parseFeedUrl(url);
	if (!parsed.ok) return { state: 'unknown', detail: `invalid-url:${parsed.problem}` };
	switch (parsed.playback) {
		case 'rtsp':
		case 'rtmp':
		case 'webrtc':
			return { state: 'unknown', detail: 'needs-gateway' };
		case 'http':
			return { state: 'unknown', detail: 'not-hls' };
		case 'hls':
			break;
	}
	if (!opts.allowlist.allows(parsed.url)) return { state: 'unknown', detail: 'not-allowed' };

	const signal = AbortSignal.timeout(opts.timeoutMs);
	try {
		const res = await fetch(parsed.url, {
			redirect: 'manual',
			signal,
			headers: { accept: 'application/vnd.apple.mpegurl, application/x-mpegurl, */*;q=0.5' }
		});
		if (res.status !== 200) {
			await res.body?.cancel();
			return { state: 'offline', detail: `http-${res.status}` };
		}
		const head = await readHead(res, MAX_BODY_BYTES);
		// A UTF-8 byte order mark is tolerated; the tag must otherwise come first.
		return head.replace(/^\uFEFF/, '').startsWith('#EXTM3U')
			? { state: 'online', detail: 'ok' }
			: { state: 'offline', detail: 'not-a-playlist' };
	} catch (err) {
		return { state: 'offline', detail: 'unreachable', cause: signal.aborted ? 'timeout' : networkCause(err) };
	}
}

async function readHead(res: Response, max: number): Promise<string> {
	if (!res.body) return '';
	const reader = res.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < max) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			size += value.byteLength;
		}
	} finally {
		await reader.cancel().catch(() => undefined);
	}
	return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/** undici wraps the system error; its code (ECONNREFUSED, ENOTFOUND …) is what an operator needs. */
function networkCause(err: unknown): string {
	const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
	if (typeof cause?.code === 'string') return cause.code.toLowerCase();
	if (typeof cause?.message === 'string') return cause.message;
	return err instanceof Error ? err.message : String(err);
}
