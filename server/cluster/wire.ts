/**
 * Messages between nodes on their own Redis channels (forwarding, presence): a JSON header and
 * the bytes it carries (an update, a presence update), in one buffer:
 * header length (4 bytes, big-endian), the header as UTF-8 JSON, then the bytes.
 */
import { Close, type CloseReason } from '#domain/protocol';
import type { RefusedChange } from '#domain/protocol';
import type { FrameResult } from '../rooms/frame-result.ts';
import type { ActingFor } from '../rooms/origin.ts';
import type { PeerIdentity } from '../rooms/peer.ts';

/** Sent by a node holding a room to the room's owner. */
export type ToOwner =
	| {
			kind: 'frame';
			id: number;
			from: string;
			room: string;
			conn: string;
			transport: 'socket.io' | 'y-websocket' | 'internal';
			identity: PeerIdentity | null;
			deviceAt: number | null;
	  }
	| { kind: 'change'; id: number; from: string; room: string; by: ActingFor | null }
	| { kind: 'leave'; from: string; room: string; conn: string };

/** Sent by the owner back to the node that forwarded. */
export type FromOwner =
	/** What became of a forwarded frame or change; `seq`: the owner's head once it was done. */
	| { kind: 'result'; id: number; result: FrameResult; seq: number }
	/** This node does not own the room (any more): ask the lease who does. */
	| { kind: 'not-owner'; id: number }
	| { kind: 'close'; room: string; conn: string; reason: string; message: string }
	| { kind: 'refuse'; room: string; conn: string; reason: string; message: string }
	| { kind: 'refused-changes'; room: string; conn: string; changes: readonly RefusedChange[] };

export type NodeMessage = ToOwner | FromOwner;

export function encodeMessage(header: NodeMessage | Record<string, unknown>, bytes?: Uint8Array): Buffer {
	const json = Buffer.from(JSON.stringify(header), 'utf8');
	const out = Buffer.allocUnsafe(4 + json.byteLength + (bytes?.byteLength ?? 0));
	out.writeUInt32BE(json.byteLength, 0);
	json.copy(out, 4);
	if (bytes) out.set(bytes, 4 + json.byteLength);
	return out;
}

export function decodeMessage<T>(message: Buffer): { header: T; bytes: Uint8Array } | null {
	if (message.byteLength < 4) return null;
	const len = message.readUInt32BE(0);
	if (4 + len > message.byteLength) return null;
	try {
		const header = JSON.parse(message.subarray(4, 4 + len).toString('utf8')) as T;
		if (typeof header !== 'object' || header === null) return null;
		return { header, bytes: new Uint8Array(message.subarray(4 + len)) };
	} catch {
		return null;
	}
}

const BY_REASON = new Map<string, CloseReason>(Object.values(Close).map((c) => [c.reason, c]));

/** The close reason of its name (an unknown name, from a newer node, is a failed update). */
export function closeOf(reason: string): CloseReason {
	return BY_REASON.get(reason) ?? Close.UpdateFailed;
}
