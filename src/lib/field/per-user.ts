/**
 * One background worker per signed-in user, started once and shared by the pages: another user
 * signing in on the same phone stops the previous one's and starts their own.
 */
export interface Worker {
	start(): void;
	stop(): void;
}

export function perUser<W extends Worker>(make: (userId: string) => W): (userId: string) => W {
	let shared: { userId: string; worker: W } | null = null;
	return (userId) => {
		if (shared?.userId !== userId) {
			shared?.worker.stop();
			shared = { userId, worker: make(userId) };
			shared.worker.start();
		}
		return shared.worker;
	};
}
