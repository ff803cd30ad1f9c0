/**
 * Sets up warnings and the duty roster: the services over their repositories, the event bus the
 * streams listen on, and the escalation timer (started by `start`, stopped by `stop`). The county's
 * issuing fields and agency codes are read from `<JURISDICTION_DIR>/warnings.json`; without that
 * file only the command centre issues.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Jurisdiction } from '#domain/api/jurisdiction';
import { WARNING_EVENTS, type AckLimitKey, type WarningField } from '#domain/warnings';
import type { DutyRepository } from '../duty/duty-repository.ts';
import { Roster } from '../duty/roster.ts';
import type { OrganisationDirectory } from '../identity/organisations.ts';
import type { Logger } from '../log.ts';
import { EscalationTimer, systemClock, type Clock } from './escalation.ts';
import { EVENT_NAMES_ZH } from './event-names.ts';
import { WarningEvents } from './events.ts';
import { resolveWebhooks, WebhookDispatcher, WebhookFileSchema } from './webhooks.ts';
import type { WarningMirrorNote } from './mirror-notes.ts';
import type { WarningRepository } from './warning-repository.ts';
import { Warnings } from './warnings.ts';

const FIELDS = [...new Set(Object.values(WARNING_EVENTS))] as [WarningField, ...WarningField[]];

const CountyFile = z.object({
	fields: z.record(z.string(), z.array(z.enum(FIELDS))).default({}),
	agencyCodes: z.record(z.string(), z.string().regex(/^\d{3}$/)).default({}),
	/** Outbound webhooks to SMS and voice-call platforms (./webhooks.ts); none by default. */
	webhooks: z.array(WebhookFileSchema).default([])
});

export interface WarningParts {
	warnings: Warnings;
	roster: Roster;
	events: WarningEvents;
	escalation: EscalationTimer;
	webhooks: WebhookDispatcher;
	start(): Promise<void>;
	stop(): void;
}

export function readCountyWarnings(dir: string): z.infer<typeof CountyFile> {
	const file = path.join(dir, 'warnings.json');
	if (!fs.existsSync(file)) return { fields: {}, agencyCodes: {}, webhooks: [] };
	return CountyFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

export function setUpWarnings(opts: {
	warnings: WarningRepository;
	duty: DutyRepository;
	orgs: OrganisationDirectory;
	userName(id: string): Promise<string | undefined>;
	incidentExists(id: string): Promise<boolean>;
	jurisdiction: Jurisdiction;
	jurisdictionDir: string;
	ackLimitsS: Readonly<Record<AckLimitKey, number>>;
	log: Logger;
	clock?: Clock;
	/** Writes a warning's steps into its incident's room (compose: incidents/warning-mirror.ts). */
	mirror?: (note: WarningMirrorNote) => Promise<void>;
	/** WARNING_WEBHOOK_SECRET_* values, by variable name. */
	webhookSecrets?: Readonly<Record<string, string>>;
}): WarningParts {
	const clock = opts.clock ?? systemClock;
	const log = opts.log.child({ module: 'warnings' });
	const county = readCountyWarnings(opts.jurisdictionDir);
	const hooks = resolveWebhooks(county.webhooks, opts.webhookSecrets ?? {});
	const events = new WarningEvents();
	let escalation: EscalationTimer | null = null;
	let webhooks: WebhookDispatcher | null = null;
	const warnings = new Warnings({
		repo: opts.warnings,
		duty: opts.duty,
		orgs: opts.orgs,
		userName: opts.userName,
		incidentExists: opts.incidentExists,
		jurisdiction: opts.jurisdiction,
		events,
		config: {
			ackLimitsS: opts.ackLimitsS,
			fields: new Map(Object.entries(county.fields)),
			agencyCodes: new Map(Object.entries(county.agencyCodes))
		},
		now: () => clock.now(),
		deadlinesChanged: () => void escalation?.poke(),
		eventLabel: (e) => EVENT_NAMES_ZH[e],
		...(opts.mirror ? { mirror: opts.mirror } : {}),
		onSideEffectError: (err, what) => log.error({ err }, `${what} failed`),
		...(hooks.length > 0
			? { handOff: (event, id, orgId, payload) => webhooks!.enqueue(event, id, orgId, payload) }
			: {})
	});
	webhooks = new WebhookDispatcher({
		repo: opts.warnings,
		hooks,
		clock,
		log: log.child({ module: 'webhooks' }),
		record: (row, attempt, result) => warnings.recordDispatchAttempt(row, attempt, result)
	});
	escalation = new EscalationTimer({
		clock,
		log,
		nextDeadline: () => opts.warnings.nextDeadline(),
		dueTargets: (now) => opts.warnings.dueTargets(now),
		escalate: (t) => warnings.escalateTarget(t.warningId, t.orgId)
	});
	const roster = new Roster({
		repo: opts.duty,
		orgs: opts.orgs,
		userName: opts.userName,
		now: () => clock.now()
	});
	return {
		warnings,
		roster,
		events,
		escalation,
		webhooks,
		start: async () => {
			if (hooks.length === 0)
				log.info(
					'no outbound webhooks in warnings.json: warnings are not handed to SMS or voice-call platforms'
				);
			else log.info({ webhooks: hooks.map((h) => `${h.name} ${h.events.join(',')}`) }, 'outbound webhooks');
			await Promise.all([escalation.poke(), webhooks.poke()]);
		},
		stop: () => {
			escalation.stop();
			webhooks.stop();
			events.close();
		}
	};
}
