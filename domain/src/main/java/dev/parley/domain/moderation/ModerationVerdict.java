package dev.parley.domain.moderation;

import java.util.Objects;
import java.util.Optional;

/** The outcome of a moderation check: allowed, or blocked for a category (never the offending text). */
public record ModerationVerdict(boolean allowed, Optional<String> category) {
    public static final ModerationVerdict ALLOWED = new ModerationVerdict(true, Optional.empty());

    public ModerationVerdict {
        Objects.requireNonNull(category, "category");
        if (allowed == category.isPresent()) {
            throw new IllegalArgumentException("a blocked verdict names its category, an allowed one none");
        }
    }

    public static ModerationVerdict blocked(String category) {
        return new ModerationVerdict(false, Optional.of(category));
    }
}
