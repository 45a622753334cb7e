package dev.parley.domain.generation;

/**
 * Where a streamed generation attempt's text goes as the provider writes it
 * ({@link ReplyGenerator#stream}): pieces of the reply, in order, each one clean text (no control
 * characters but tab and line breaks, no unpaired surrogate: the same rules as the stored reply),
 * together at most a message's length ({@link dev.parley.domain.chat.Message#MAX_CONTENT_LENGTH} code
 * points; a longer reply is cut there when it is stored). Called on the provider's thread; must be
 * quick and must not block or throw.
 */
@FunctionalInterface
public interface ReplyDeltas {
    /** Deltas nobody listens to. */
    ReplyDeltas NONE = text -> { };

    /** The next piece of the reply; never empty. */
    void delta(String text);
}
