/** Scenario (2): many small rooms at once, one writer in each, writing at staggered phases. */
import { fanOutMetrics, measureFanOut } from './fan-out.ts';
import type { Scenario } from './scenario.ts';

export function manyRooms(
	rooms: number,
	clientsPerRoom: number,
	writes: number,
	perSecond: number
): Scenario {
	return {
		id: `rooms-${rooms}x${clientsPerRoom}`,
		title: `${rooms} rooms × ${clientsPerRoom} clients`,
		detail: `1 writer per room making ${writes} small map writes at ${perSecond}/s, ${clientsPerRoom - 1} receivers per room`,
		clientProcesses: 2,
		metrics: fanOutMetrics,
		run: (ctx) =>
			measureFanOut(
				{
					rooms,
					clientsPerRoom,
					writesPerWriter: writes,
					writesPerSecond: perSecond,
					roomPrefix: 'bench-many'
				},
				ctx
			)
	};
}
