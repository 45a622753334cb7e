package dev.parley.ai.fault;

/** An {@code X-Debug-Force-Error} value that is not {@code <kind>[; count=<n>][; after=<n>]}; the message says why. */
public final class InvalidFaultDirectiveException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidFaultDirectiveException(String message) {
        super(message);
    }
}
