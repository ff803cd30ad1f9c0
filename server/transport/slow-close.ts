/**
 * A connection closed as too slow (Close.SlowConnection) gets its close frame behind its backlog:
 * a client that reads again soon sees the named reason. One that does not is cut after this grace,
 * so its backlog is let go instead of being held for ws's 30 s close timeout.
 */
export const SLOW_CLOSE_GRACE_MS = 1_000;
