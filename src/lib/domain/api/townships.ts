/**
 * GET /api/townships/:code/overview: a township duty officer's first page. The active incidents
 * touching their township, with the board figures of the township still empty in each (what they
 * still have to report), and the open tasks of their teams (the organisations in the township),
 * in whatever active incident they were given.
 */
import { z } from 'zod';
import { FIGURE_KEYS, TASK_PRIORITIES, TASK_STATUSES } from '../vocabulary.ts';
import { IncidentSummarySchema } from './incidents.ts';

export const TownshipOverviewSchema = z.object({
	township: z.string(),
	incidents: z.array(
		z.object({
			incident: IncidentSummarySchema,
			/** Figures of the township's board row that nobody has reported yet (0 is a report). */
			missingFigures: z.array(z.enum(FIGURE_KEYS))
		})
	),
	openTasks: z.array(
		z.object({
			incidentId: z.string(),
			incidentName: z.string(),
			taskId: z.string(),
			title: z.string(),
			status: z.enum(TASK_STATUSES),
			priority: z.enum(TASK_PRIORITIES),
			assigneeOrgId: z.string(),
			dueAt: z.string().nullable()
		})
	)
});
export type TownshipOverview = z.infer<typeof TownshipOverviewSchema>;
