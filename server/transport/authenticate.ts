/**
 * How a transport learns who is connecting. The identity module provides the real one
 * (session cookie or short-lived token); with none configured, connections are anonymous.
 */
import type { IncomingMessage } from 'node:http';
import type { PeerIdentity } from '../rooms/peer.ts';

export type AuthResult =
	| { ok: true; identity: PeerIdentity | null }
	| { ok: false; reason: 'unauthenticated' | 'session-expired' | 'account-deactivated'; message: string };

export type Authenticate = (req: IncomingMessage) => Promise<AuthResult>;

export const allowAnonymous: Authenticate = async () => ({ ok: true, identity: null });
