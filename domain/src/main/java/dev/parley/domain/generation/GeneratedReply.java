package dev.parley.domain.generation;

import dev.parley.domain.chat.Message;
import dev.parley.domain.text.TextPolicy;
import java.util.Objects;

/**
 * A reply produced by the AI provider, with the name of the model that wrote it.
 *
 * <p>Its content is never longer than a message may be ({@link Message#MAX_CONTENT_LENGTH} code
 * points, the limit of a user's message): a longer text is cut, not refused. The first
 * {@code MAX_CONTENT_LENGTH - 1} code points are kept, trailing whitespace dropped, and
 * {@value #CUT_MARK} appended, so the reader sees that the reply goes on. The cut falls between code
 * points, never between the two halves of a surrogate pair. Every provider's reply passes through
 * this constructor, so none can exceed the limit.
 *
 * <p>It is also clean text ({@link TextPolicy}): NUL and other control characters (tab, CR and LF
 * excepted) and unpaired surrogates that a provider sent are dropped, since PostgreSQL cannot store
 * NUL and UTF-8 cannot encode a lone surrogate; a reply is never refused for them.
 *
 * <p>Why cut rather than fail: the length of a reply is the model's choice, not a fault of the
 * provider; failing it as {@code AI_BAD_RESPONSE} would retry (and pay for) the same long answer,
 * count against the chat's breaker, and leave the user with nothing.
 */
public record GeneratedReply(String content, String model) {
    /** What ends a reply that was cut to the limit. */
    public static final String CUT_MARK = "…";

    public GeneratedReply {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(model, "model");
        content = withinLimit(TextPolicy.cleaned(content, TextPolicy.Lines.MULTI_LINE));
    }

    private static String withinLimit(String text) {
        int limit = Message.MAX_CONTENT_LENGTH;
        if (text.length() <= limit || text.codePointCount(0, text.length()) <= limit) {
            return text;
        }
        String kept = text.substring(0, text.offsetByCodePoints(0, limit - 1)); // the mark is one code point
        return kept.stripTrailing() + CUT_MARK;
    }
}
