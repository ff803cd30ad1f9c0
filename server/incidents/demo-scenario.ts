/**
 * A jurisdiction's demo scenario as data: `demo-incident.json` in the jurisdiction folder
 * (JURISDICTION_DIR), so that another county ships its own demo with its own places. The file
 * names the incident, who opened it, and the changes each demo account makes in it, in order.
 * Times are minutes after the incident began; the seeding puts that beginning
 * `startedMinutesAgo` before the moment it runs, so the demo always looks like this morning's
 * events. Authors are demo usernames (organisations.json `demoAccounts`); who created what,
 * and for which organisation, follows from them. Read once at start; a mistake stops the
 * server with the file and the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LonLatSchema } from '#domain/api/jurisdiction';
import {
	ANNOTATION_KINDS,
	FEED_KINDS,
	FIGURE_KEYS,
	INCIDENT_TYPES,
	LOG_KINDS,
	RESPONSE_LEVELS,
	SEVERITIES,
	TASK_PRIORITIES,
	TASK_STATUSES
} from '#domain/vocabulary';

export const DEMO_SCENARIO_FILE = 'demo-incident.json';

/** Minutes after the incident began. */
const minute = z.number().int().min(0);
const username = z.string().min(1);
const entityId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'not an entity id');

const GeometryFile = z.discriminatedUnion('type', [
	z.object({ type: z.literal('Point'), coordinates: LonLatSchema }),
	z.object({ type: z.literal('LineString'), coordinates: z.array(LonLatSchema).min(2) }),
	z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(LonLatSchema).min(4)).min(1) })
]);

const LogEntryFile = z
	.object({ kind: z.enum(LOG_KINDS), text: z.string().min(1), createdAt: minute })
	.strict();

const AnnotationFile = z
	.object({
		kind: z.enum(ANNOTATION_KINDS),
		label: z.string(),
		note: z.string(),
		geometry: GeometryFile,
		taskIds: z.array(entityId),
		feedIds: z.array(entityId),
		createdAt: minute
	})
	.strict();

const TaskFile = z
	.object({
		title: z.string().min(1),
		description: z.string(),
		assigneeOrgId: z.string().min(1),
		township: z.string().nullable(),
		priority: z.enum(TASK_PRIORITIES),
		dueAt: minute.nullable(),
		location: LonLatSchema.nullable(),
		status: z.enum(TASK_STATUSES),
		statusReason: z.string(),
		createdAt: minute
	})
	.strict();

const FeedFile = z
	.object({
		name: z.string().min(1),
		kind: z.enum(FEED_KINDS),
		url: z.string().min(1),
		position: LonLatSchema.nullable(),
		createdAt: minute
	})
	.strict();

const TaskUpdateFile = z
	.object({
		task: entityId,
		id: entityId,
		at: minute,
		text: z.string().min(1),
		status: z.enum(TASK_STATUSES).optional()
	})
	.strict();

/** What one demo account does, in one change: every entity it creates is its own. */
const ChangeFile = z
	.object({
		by: username,
		log: z.record(entityId, LogEntryFile).optional(),
		/** Per township code: the figures its officer (or the commander) reports. */
		figures: z.record(z.string(), z.partialRecord(z.enum(FIGURE_KEYS), z.number().int().min(0))).optional(),
		annotations: z.record(entityId, AnnotationFile).optional(),
		tasks: z.record(entityId, TaskFile).optional(),
		feeds: z.record(entityId, FeedFile).optional(),
		/** Feed ids appended to the video wall. */
		wall: z.array(entityId).optional(),
		taskUpdates: z.array(TaskUpdateFile).optional(),
		/** Status moves of existing tasks, which the same change's progress updates record. */
		taskStatus: z.record(entityId, z.enum(TASK_STATUSES)).optional(),
		/** Where the author is. */
		position: z.object({ lonLat: LonLatSchema, at: minute }).strict().optional()
	})
	.strict();

const DemoScenarioFile = z
	.object({
		$comment: z.string().optional(),
		id: entityId,
		startedMinutesAgo: z.number().int().min(0),
		incident: z
			.object({
				openedBy: username,
				name: z.string().trim().min(1).max(200),
				type: z.enum(INCIDENT_TYPES),
				severity: z.enum(SEVERITIES),
				level: z.enum(RESPONSE_LEVELS),
				townships: z.array(z.string()).min(1),
				location: LonLatSchema,
				occurredAt: minute
			})
			.strict(),
		changes: z.array(ChangeFile)
	})
	.strict();

export type DemoScenario = z.infer<typeof DemoScenarioFile>;
export type DemoChange = DemoScenario['changes'][number];

export class DemoScenarioError extends Error {
	override readonly name = 'DemoScenarioError';
}

/** The jurisdiction's demo scenario, or null when it ships none. */
export function readDemoScenario(jurisdictionDir: string): DemoScenario | null {
	const file = path.join(jurisdictionDir, DEMO_SCENARIO_FILE);
	let raw: unknown;
	try {
		raw = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw new DemoScenarioError(`cannot read ${file}: ${String(err)}`);
	}
	const parsed = DemoScenarioFile.safeParse(raw);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`);
		throw new DemoScenarioError(`${file} is not a demo scenario:\n${lines.join('\n')}`);
	}
	return parsed.data;
}
