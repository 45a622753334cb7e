package dev.parley.domain.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for failures that arrive through {@code CompletionStage}s and futures. */
public final class Failures {
    private Failures() {
    }

    /**
     * The failure itself, without the {@link CompletionException} / {@link ExecutionException}
     * wrappers that asynchronous stages and futures put around it.
     */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
