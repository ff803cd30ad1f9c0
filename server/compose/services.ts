/**
 * The services over the rooms, set up in the order their room hooks must run: identity (a join
 * must come from a live, authenticated session), then incidents (who may read which incident,
 * the index, feed checks), and the permission guard last (it judges the updates of peers the
 * others admitted; a refused join must never reach it).
 */
import type { AttachmentFiles } from '../attachments/attachment-files.ts';
import { Photos } from '../attachments/photos.ts';
import type { Config } from '../config.ts';
import { cachedGuardDecision, setUpGuard, type GuardParts } from '../guard/setup.ts';
import type { LoginLimiter } from '../identity/login-throttle.ts';
import { setUpIdentity, type IdentityParts } from '../identity/setup.ts';
import { setUpIncidents, type IncidentParts } from '../incidents/setup.ts';
import { IncidentWarningMirror } from '../incidents/warning-mirror.ts';
import type { Logger } from '../log.ts';
import type { RefusalStore } from '../guard/refusal-store.ts';
import { PositionTracks } from '../positions/tracks.ts';
import { TeamIntervals } from '../positions/team-intervals.ts';
import { TrackRetention } from '../positions/track-retention.ts';
import { setUpRegisters, type RegisterParts } from '../registers/setup.ts';
import { setUpWarnings, type WarningParts } from '../warnings/setup.ts';
import type { Rooms } from './rooms.ts';
import type { Repositories } from './stores.ts';

export interface Services {
	identity: IdentityParts;
	incidents: IncidentParts;
	guard: GuardParts;
	registers: RegisterParts;
	warnings: WarningParts;
	/** Photos attached to tasks' progress and field reports (checked, cleaned, stored). */
	photos: Photos;
	/** Position tracks: members' fixes checked and stored, windows read for the map. */
	tracks: PositionTracks;
	/** Each team's position-sharing interval (who may choose it, which values). */
	teamIntervals: TeamIntervals;
	/** Deletes position fixes past POSITION_RETENTION_DAYS, periodically. */
	trackRetention: TrackRetention | null;
	/** The refusal records the guard's compensations wrote with their updates (read by REST). */
	refusals: RefusalStore;
	/** Stops what the services run; after the rooms and transports closed, before the stores. */
	stop(): void;
}

export async function setUpServices(opts: {
	config: Config;
	repositories: Repositories;
	attachmentFiles: AttachmentFiles;
	rooms: Rooms;
	log: Logger;
	/** Several nodes: failed logins counted where every node sees them. */
	loginThrottle?: LoginLimiter;
}): Promise<Services> {
	const { config, repositories, rooms, log } = opts;
	const identity = await setUpIdentity({
		config,
		repositories: repositories.identity,
		log,
		rooms: rooms.access,
		...(opts.loginThrottle ? { throttle: opts.loginThrottle } : {})
	});
	try {
		const incidents = await setUpIncidents({
			config,
			incidents: repositories.incidents,
			registry: rooms.registry,
			identity: identity.identity,
			log
		});
		const guard = setUpGuard({
			attribution: repositories.attribution,
			clientOwners: repositories.clientOwners,
			log,
			orgs: identity.identity.orgs,
			guards: config.allowAdhocRooms
				? cachedGuardDecision(
						(room) => incidents.index.has(room),
						() => incidents.index.membershipVersion
					)
				: () => true
		});
		rooms.use(identity.hooks, ...incidents.hooks, guard.hooks);
		const registers = setUpRegisters({
			config,
			repo: repositories.registers,
			orgs: identity.identity.orgs,
			jurisdiction: incidents.jurisdiction,
			incidents: repositories.incidents,
			registry: rooms.registry,
			userName: async (id) => (await identity.identity.users.byId(id))?.displayName,
			log
		});
		const warningMirror = new IncidentWarningMirror({
			registry: rooms.registry,
			incidentExists: (id) => repositories.incidents.exists(id)
		});
		const warnings = setUpWarnings({
			warnings: repositories.warnings,
			duty: repositories.duty,
			orgs: identity.identity.orgs,
			userName: async (id) => (await identity.identity.users.byId(id))?.displayName,
			incidentExists: (id) => repositories.incidents.exists(id),
			jurisdiction: incidents.jurisdiction,
			jurisdictionDir: config.jurisdictionDir,
			ackLimitsS: config.warningAckLimitsS,
			log,
			mirror: (note) => warningMirror.write(note),
			webhookSecrets: config.warningWebhookSecrets
		});
		const photos = new Photos({
			repository: repositories.attachments,
			files: opts.attachmentFiles,
			orgs: identity.identity.orgs,
			docOf: async (id) => (await rooms.registry.open(id)).doc
		});
		const tracks = new PositionTracks({
			repository: repositories.tracks,
			bbox: incidents.jurisdiction.bbox
		});
		const teamIntervals = new TeamIntervals({
			repository: repositories.teamIntervals,
			orgs: identity.identity.orgs
		});
		const trackRetention =
			config.positionRetentionMs > 0
				? new TrackRetention({
						repository: repositories.tracks,
						retentionMs: config.positionRetentionMs,
						everyMs: config.positionPurgeIntervalMs,
						log
					})
				: null;
		trackRetention?.start();
		return {
			identity,
			incidents,
			guard,
			registers,
			warnings,
			photos,
			tracks,
			teamIntervals,
			trackRetention,
			refusals: repositories.refusals,
			stop() {
				void trackRetention?.stop();
				registers.stop();
				warnings.stop();
				identity.identity.stop();
			}
		};
	} catch (err) {
		identity.identity.stop();
		throw err;
	}
}
