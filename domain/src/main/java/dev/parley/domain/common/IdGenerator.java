package dev.parley.domain.common;

import java.util.UUID;

/** Port: a source of fresh identities (random UUIDs in production, predictable ones in tests). */
@FunctionalInterface
public interface IdGenerator {
    UUID next();
}
