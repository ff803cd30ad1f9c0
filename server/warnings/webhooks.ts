/**
 * Outbound webhooks: the hand-off of warnings to a county's SMS and voice-call platforms. Each
 * step a hook subscribes to (issued, updated, cancelled, escalated) becomes one outbox row per hook
 * (WarningRepository.addDispatches), stored before anything is sent, so a restart loses nothing.
 * The dispatcher claims due rows under a lease (so two nodes never send the same row at once),
 * POSTs the JSON body signed with the hook's HMAC secret, and settles each attempt: delivered on a
 * 2xx answer; otherwise retried with exponential backoff until the hook's `maxAttempts`, then
 * failed. Every attempt and its answer is recorded as a call record (叫应记录) of the warning.
 * No hook is assumed: without any configured the server sends nothing and says so at start.
 *
 * Signature: `X-Sitroom-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Sitroom-Timestamp>.<body>")>`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import type { Clock } from './escalation.ts';
import type { DispatchRow, WarningRepository } from './warning-repository.ts';
import { DeadlineLoop } from './deadline-loop.ts';

export const WEBHOOK_EVENTS = ['issued', 'updated', 'cancelled', 'escalated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A hook as the county's warnings.json gives it; its secret is named, never written there. */
export const WebhookFileSchema = z.object({
	name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes'),
	url: z
		.string()
		.url()
		.refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http or https address'),
	events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
	/** The environment variable holding the HMAC secret: WARNING_WEBHOOK_SECRET_<NAME>. */
	secretEnv: z.string().regex(/^WARNING_WEBHOOK_SECRET_[A-Z0-9_]+$/),
	maxAttempts: z.number().int().min(1).max(20).default(6),
	/** The first retry's wait; each later one doubles, up to 10 minutes. */
	backoffMs: z.number().int().min(10).max(600_000).default(5_000),
	timeoutMs: z.number().int().min(100).max(60_000).default(10_000)
});
export type WebhookFileEntry = z.infer<typeof WebhookFileSchema>;

export interface Webhook extends Omit<WebhookFileEntry, 'secretEnv'> {
	secret: string;
}

/** The county's hooks with their secrets; a hook whose secret is not set stops the start. */
export function resolveWebhooks(
	entries: readonly WebhookFileEntry[],
	secrets: Readonly<Record<string, string>>
): Webhook[] {
	const names = new Set<string>();
	return entries.map(({ secretEnv, ...h }) => {
		if (names.has(h.name)) throw new Error(`warnings.json: two webhooks are named "${h.name}"`);
		names.add(h.name);
		const secret = secrets[secretEnv];
		if (!secret || secret.length < 16)
			throw new Error(
				`warnings.json: webhook "${h.name}" needs its HMAC secret (at least 16 characters) in ${secretEnv}`
			);
		return { ...h, secret };
	});
}

export function signature(secret: string, timestamp: string, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const MAX_BACKOFF_MS = 600_000;

/** The wait after the `attempts`-th failed attempt. */
export const backoffAfter = (hook: Pick<Webhook, 'backoffMs'>, attempts: number): number =>
	Math.min(MAX_BACKOFF_MS, hook.backoffMs * 2 ** Math.max(0, attempts - 1));

export interface AttemptResult {
	ok: boolean;
	/** The HTTP status, or null when no answer came (refused, timed out). */
	status: number | null;
	/** A short answer or error, for the record. */
	detail: string;
	ms: number;
}

export class WebhookDispatcher {
	readonly #hooks: Map<string, Webhook>;
	readonly #loop: DeadlineLoop;

	constructor(
		private readonly deps: {
			repo: WarningRepository;
			hooks: readonly Webhook[];
			clock: Clock;
			log: Logger;
			/** Records one attempt (a call record of the warning). */
			record(row: DispatchRow, attempt: number, result: AttemptResult): Promise<void>;
			maxSleepMs?: number;
		}
	) {
		this.#hooks = new Map(deps.hooks.map((h) => [h.name, h]));
		this.#loop = new DeadlineLoop(
			{ pass: (_now, stopped) => this.#pass(stopped) },
			{
				clock: deps.clock,
				log: deps.log,
				what: 'webhook',
				...(deps.maxSleepMs ? { maxSleepMs: deps.maxSleepMs } : {})
			}
		);
	}

	get hooks(): readonly Webhook[] {
		return this.deps.hooks;
	}

	/** Stores one row per hook that takes `event`, then sends. `orgId`: the target concerned, or the issuer. */
	async enqueue(event: WebhookEvent, warningId: string, orgId: string, payload: object): Promise<number> {
		const hooks = this.deps.hooks.filter((h) => h.events.includes(event));
		if (hooks.length === 0) return 0;
		const now = this.deps.clock.now();
		const rows: DispatchRow[] = hooks.map((h) => {
			const id = `dsp-${randomUUID()}`;
			return {
				id,
				warningId,
				orgId,
				hook: h.name,
				event,
				body: JSON.stringify({
					delivery: id,
					event,
					hook: h.name,
					createdAt: new Date(now).toISOString(),
					...payload
				}),
				attempts: 0,
				nextAt: now,
				createdAt: now,
				doneAt: null,
				outcome: null
			};
		});
		await this.deps.repo.addDispatches(rows);
		void this.poke();
		return rows.length;
	}

	/** Sends what is due now and sleeps until the next row is due. */
	poke(): Promise<void> {
		return this.#loop.poke();
	}

	/** Resolves once no pass is running (for tests and shutdown). */
	idle(): Promise<void> {
		return this.#loop.idle();
	}

	stop(): void {
		this.#loop.stop();
	}

	/** Claims and attempts due rows until none is left; answers when the next one is due. */
	async #pass(stopped: () => boolean): Promise<number | null> {
		const { clock, repo } = this.deps;
		const lease = Math.max(...this.deps.hooks.map((h) => h.timeoutMs), 1000) * 2;
		for (;;) {
			const now = clock.now();
			const due = await repo.claimDispatches(now, now + lease, 20);
			if (due.length === 0 || stopped()) break;
			await Promise.all(due.map((row) => this.#attempt(row)));
		}
		return stopped() ? null : repo.nextDispatchAt();
	}

	async #attempt(row: DispatchRow): Promise<void> {
		const { clock, repo, log } = this.deps;
		const hook = this.#hooks.get(row.hook);
		const attempt = row.attempts + 1;
		if (!hook) {
			// The hook was removed from the configuration since: the row ends, saying why.
			await repo.settleDispatch(row.id, { attempts: row.attempts, doneAt: clock.now(), outcome: 'failed' });
			await this.deps.record(row, attempt, {
				ok: false,
				status: null,
				detail: 'webhook no longer configured',
				ms: 0
			});
			return;
		}
		const result = await this.#send(hook, row, attempt);
		const now = clock.now();
		if (result.ok)
			await repo.settleDispatch(row.id, { attempts: attempt, doneAt: now, outcome: 'delivered' });
		else if (attempt >= hook.maxAttempts)
			await repo.settleDispatch(row.id, { attempts: attempt, doneAt: now, outcome: 'failed' });
		else await repo.settleDispatch(row.id, { attempts: attempt, nextAt: now + backoffAfter(hook, attempt) });
		log[result.ok ? 'info' : 'warn'](
			{
				hook: hook.name,
				delivery: row.id,
				warning: row.warningId,
				attempt,
				status: result.status,
				ms: result.ms
			},
			result.ok ? 'webhook delivered' : `webhook attempt failed: ${result.detail}`
		);
		try {
			await this.deps.record(row, attempt, result);
		} catch (err) {
			log.error({ err, delivery: row.id }, 'recording a webhook attempt failed');
		}
	}

	async #send(hook: Webhook, row: DispatchRow, attempt: number): Promise<AttemptResult> {
		const t0 = Date.now();
		const timestamp = String(Math.floor(this.deps.clock.now() / 1000));
		try {
			const res = await fetch(hook.url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'user-agent': 'Sitroom-Webhook/1',
					'x-sitroom-event': row.event,
					'x-sitroom-delivery': row.id,
					'x-sitroom-attempt': String(attempt),
					'x-sitroom-timestamp': timestamp,
					'x-sitroom-signature': signature(hook.secret, timestamp, row.body)
				},
				body: row.body,
				redirect: 'manual',
				signal: AbortSignal.timeout(hook.timeoutMs)
			});
			const text = (await res.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').trim();
			return {
				ok: res.status >= 200 && res.status < 300,
				status: res.status,
				detail: `HTTP ${res.status}${text ? ` ${text}` : ''}`,
				ms: Date.now() - t0
			};
		} catch (err) {
			const e = err as Error & { cause?: { code?: string } };
			const why =
				e.name === 'TimeoutError' ? `no answer within ${hook.timeoutMs} ms` : (e.cause?.code ?? e.message);
			return { ok: false, status: null, detail: why, ms: Date.now() - t0 };
		}
	}
}
