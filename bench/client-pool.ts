/**
 * A set of client processes (client-worker.ts), each hosting many y-websocket clients, and a
 * typed request/reply over IPC to each of them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, track } from './processes.ts';
import type { ReplyEnvelope, RequestEnvelope, WorkerReply, WorkerRequest } from './worker-protocol.ts';

const workerEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client-worker.ts');

type ReplyOf<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;

export class ClientWorker {
	#next = 1;
	#waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

	constructor(
		readonly index: number,
		readonly child: ChildProcess
	) {
		child.on('message', (m: ReplyEnvelope) => {
			const w = this.#waiting.get(m.id);
			if (!w) return;
			this.#waiting.delete(m.id);
			if ('error' in m) w.reject(new Error(`client process ${index}: ${m.error}`));
			else w.resolve(m.reply);
		});
		child.once('exit', (code, signal) => {
			for (const w of this.#waiting.values())
				w.reject(new Error(`client process ${index} exited (${code ?? signal})`));
			this.#waiting.clear();
		});
	}

	/** Sends `request` and resolves with the reply, which must be of type `expect`. */
	async ask<T extends WorkerReply['type']>(request: WorkerRequest, expect: T): Promise<ReplyOf<T>> {
		const id = this.#next++;
		const reply = await new Promise<WorkerReply>((resolve, reject) => {
			this.#waiting.set(id, { resolve, reject });
			const envelope: RequestEnvelope = { id, request };
			this.child.send(envelope);
		});
		if (reply.type !== expect)
			throw new Error(`client process ${this.index}: expected ${expect}, got ${reply.type}`);
		return reply as ReplyOf<T>;
	}
}

export class ClientPool {
	private constructor(readonly workers: readonly ClientWorker[]) {}

	static start(count: number, env: Record<string, string> = {}): ClientPool {
		const workers = Array.from({ length: count }, (_, i) => {
			const child = track(
				fork(workerEntry, [], {
					execArgv: ['--import', 'tsx'],
					// 'advanced' carries typed arrays (hundreds of thousands of latencies) efficiently.
					serialization: 'advanced',
					env: { ...process.env, ...env },
					stdio: ['ignore', 'inherit', 'inherit', 'ipc']
				})
			);
			return new ClientWorker(i, child);
		});
		return new ClientPool(workers);
	}

	get size(): number {
		return this.workers.length;
	}

	/** Asks every worker the same thing at once. */
	all<T extends WorkerReply['type']>(request: WorkerRequest, expect: T): Promise<Array<ReplyOf<T>>> {
		return Promise.all(this.workers.map((w) => w.ask(request, expect)));
	}

	async stop(): Promise<void> {
		await Promise.all(this.workers.map((w) => stopChild(w.child, 'SIGTERM', 3_000)));
	}
}
