/**
 * Messages between the benchmark (run.ts) and its client processes (client-worker.ts).
 * Every request carries an id; the worker answers each with a reply of the same id.
 */

export interface ClientSpec {
	/** Unique within the run; also names the writer's keys. */
	key: string;
	/** The WebsocketProvider server URL (the room name is appended by the provider). */
	providerUrl: string;
	room: string;
	/** Query parameters of the connection (an auth token). */
	params: Record<string, string>;
	/** Writers make the timed writes and record nothing; everyone else records deliveries. */
	writer: boolean;
}

export type WorkerRequest =
	| { type: 'connect'; clients: ClientSpec[]; batchSize: number }
	| { type: 'measure-start' }
	/** Every writer in this worker makes `count` writes at `perSecond`, starting within one period. */
	| { type: 'write'; count: number; perSecond: number }
	| { type: 'progress' }
	| { type: 'collect' }
	| { type: 'disconnect' }
	/** Connects a client that adds `entries` annotations in one transaction and stays connected. */
	| { type: 'seed'; client: Omit<ClientSpec, 'writer' | 'key'>; entries: number }
	/** A new client connects and syncs the room; resolves once it holds `expectEntries` annotations. */
	| { type: 'load'; client: Omit<ClientSpec, 'writer' | 'key'>; expectEntries: number; timeoutMs: number };

export type WorkerReply =
	| { type: 'connected'; clients: number; ms: number }
	| { type: 'ok' }
	| { type: 'written'; writes: number; ms: number }
	| { type: 'progress'; received: number }
	| {
			type: 'collected';
			received: number;
			/** End-to-end latency of each delivery, in ms. */
			latencies: Float64Array;
			/** Connections that closed without being asked to during the run. */
			unexpectedCloses: number;
	  }
	| { type: 'seeded'; entries: number; encodedBytes: number; ms: number }
	| { type: 'loaded'; entries: number; ms: number };

export type RequestEnvelope = { id: number; request: WorkerRequest };
export type ReplyEnvelope = { id: number; reply: WorkerReply } | { id: number; error: string };
