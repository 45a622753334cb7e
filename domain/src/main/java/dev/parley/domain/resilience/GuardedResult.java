package dev.parley.domain.resilience;

import dev.parley.domain.retry.RetryMeta;
import java.util.Objects;

/** A successful guarded request: the attempt's value and what it took to get it. */
public record GuardedResult<T>(T value, RetryMeta meta) {
    public GuardedResult {
        Objects.requireNonNull(meta, "meta");
    }
}
