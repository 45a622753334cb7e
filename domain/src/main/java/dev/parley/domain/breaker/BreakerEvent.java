package dev.parley.domain.breaker;

/**
 * What can happen to a breaker. Failures that do not count against the breaker
 * ({@link dev.parley.domain.error.ErrorCode#countsAgainstBreaker()} false) are not events at all.
 */
public enum BreakerEvent {
    /** A caller asks whether it may make a call now. */
    PERMISSION_REQUESTED,
    /** A call succeeded. */
    SUCCESS,
    /** A call failed with a code that counts against the breaker. */
    COUNTED_FAILURE,
    /** A caller gives back a half-open permit it did not use (or whose outcome says nothing). */
    PERMIT_RELEASED
}
