package dev.parley.ai.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.error.ParleyException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting for an attempt's stage in the adapter's tests. */
public final class Stages {
    private Stages() {
    }

    /** The {@link ParleyException} the stage fails with (unwrapped), within 20 s; an error if it succeeds. */
    public static ParleyException failure(CompletionStage<?> stage) throws Exception {
        try {
            Object unexpected = stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + unexpected);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ParleyException.class);
            return (ParleyException) e.getCause();
        }
    }
}
