package dev.parley.domain.generation;

import java.util.Objects;

/** A reply produced by the AI provider, with the name of the model that wrote it. */
public record GeneratedReply(String content, String model) {
    public GeneratedReply {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(model, "model");
    }
}
