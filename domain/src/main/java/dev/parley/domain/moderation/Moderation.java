package dev.parley.domain.moderation;

/** Port: decides whether a user message may be sent to the AI provider at all. */
@FunctionalInterface
public interface Moderation {
    ModerationVerdict check(String content);
}
