package dev.parley.persistence.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@value #NAME}: UP when the database answers {@code select 1} through the
 * server's {@code jdbc/parley} pool within {@link #TIMEOUT} (2 s), DOWN otherwise (so
 * {@code /health/ready} answers 503 while it does not, and UP again as soon as it does: nothing is
 * cached between calls).
 *
 * <p>The check never hangs its caller: the query runs on the managed executor and {@link #call()}
 * waits at most {@link #TIMEOUT}. At most one query is in flight; a poll that arrives while an
 * earlier query still hangs (a paused pooler, a black-holed host) waits for that one, so a hanging
 * database holds one thread, not one per poll. The data says how long the answer took, or why
 * there was none: an SQLSTATE or the exception's type, never a message (it may name hosts).
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {
    static final String NAME = "database";
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The statement's own timeout (whole seconds in JDBC), inside {@link #TIMEOUT}. */
    private static final int QUERY_TIMEOUT_SECONDS = 1;

    @Resource(lookup = "jdbc/parley")
    DataSource dataSource;

    @Resource
    ManagedExecutorService executor;

    private final AtomicReference<CompletableFuture<HealthCheckResponse>> inFlight = new AtomicReference<>();

    @Override
    public HealthCheckResponse call() {
        try {
            return currentProbe().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return down().withData("error", "no answer within " + TIMEOUT.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            return down(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down().withData("error", "interrupted").build();
        }
    }

    private CompletableFuture<HealthCheckResponse> currentProbe() {
        CompletableFuture<HealthCheckResponse> running = inFlight.get();
        if (running != null && !running.isDone()) {
            return running;
        }
        CompletableFuture<HealthCheckResponse> fresh = new CompletableFuture<>();
        if (!inFlight.compareAndSet(running, fresh)) {
            return inFlight.get(); // another poll started one just now
        }
        try {
            executor.execute(() -> {
                try {
                    fresh.complete(probe());
                } catch (Throwable t) {
                    fresh.completeExceptionally(t); // never leave the in-flight probe pending
                }
            });
        } catch (RuntimeException e) {
            fresh.completeExceptionally(e);
        }
        return fresh;
    }

    private HealthCheckResponse probe() {
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = statement.executeQuery("select 1")) {
                rs.next();
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return HealthCheckResponse.named(NAME).up().withData("responseTimeMs", elapsedMs)
                    .withData("timeoutMs", TIMEOUT.toMillis()).build();
        } catch (RuntimeException | SQLException e) {
            return down(e);
        }
    }

    private static HealthCheckResponseBuilder down() {
        return HealthCheckResponse.named(NAME).down().withData("timeoutMs", TIMEOUT.toMillis());
    }

    private static HealthCheckResponse down(Throwable failure) {
        String reason = failure instanceof SQLException sql && sql.getSQLState() != null
                ? "SQLSTATE " + sql.getSQLState() : failure.getClass().getSimpleName();
        return down().withData("error", reason).build();
    }
}
