package dev.parley.application.chat;

/**
 * Resolves the turns no request works on any more: every PENDING turn untouched for longer than the
 * stale age (its request died with its server, or gave up before its final write could land) is
 * failed, or completed if its reply is stored. Run periodically.
 */
public interface SweepStaleTurnsUseCase {
    /** Resolves one batch of stale turns; returns how many it resolved. */
    int sweep();
}
