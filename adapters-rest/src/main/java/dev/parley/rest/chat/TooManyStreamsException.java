package dev.parley.rest.chat;

/**
 * The chat, or the server, has as many event streams open as allowed: answered as 429
 * {@code TOO_MANY_STREAMS} by {@link TooManyStreamsMapper}, retryable.
 */
public final class TooManyStreamsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TooManyStreamsException(String message) {
        super(message);
    }
}
