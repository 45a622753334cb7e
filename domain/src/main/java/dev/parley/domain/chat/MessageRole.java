package dev.parley.domain.chat;

/** Who wrote a message. */
public enum MessageRole {
    USER,
    ASSISTANT
}
