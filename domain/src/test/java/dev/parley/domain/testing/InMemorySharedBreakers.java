package dev.parley.domain.testing;

import dev.parley.domain.breaker.ProbeClaim;
import dev.parley.domain.breaker.SharedBreakers;
import dev.parley.domain.breaker.SharedOpen;
import dev.parley.domain.chat.ChatId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared breaker table as the persistence adapter keeps it (one row per open chat, a generation
 * per opening, a probe count with a lease), in memory, on the "database" clock given; answers at once.
 * {@link #down(boolean)} makes every call fail as an unreachable database would. Counts the calls,
 * so tests can show which paths reach the store. Thread-safe (one lock).
 */
public final class InMemorySharedBreakers implements SharedBreakers {

    private record Row(long generation, Instant openUntil, int probes, Instant probeUntil) {
    }

    private final InstantSource databaseTime;
    private final Duration lease;
    private final Map<ChatId, Row> rows = new HashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private long nextGeneration = 1;
    private volatile boolean down;
    private final List<Runnable> heldWrites = new ArrayList<>();
    private boolean holdWrites;

    public InMemorySharedBreakers(InstantSource databaseTime, Duration lease) {
        this.databaseTime = databaseTime;
        this.lease = lease;
    }

    public void down(boolean unreachable) {
        down = unreachable;
    }

    /** Openings are answered later, by {@link #releaseWrites()}, as writes still on their way would be. */
    public synchronized void holdWrites() {
        holdWrites = true;
    }

    /** Makes the held openings now, in order, and answers them. */
    public void releaseWrites() {
        List<Runnable> held;
        synchronized (this) {
            holdWrites = false;
            held = List.copyOf(heldWrites);
            heldWrites.clear();
        }
        held.forEach(Runnable::run);
    }

    /** Calls that reached the store (failed ones included). */
    public int calls() {
        return calls.get();
    }

    public synchronized boolean has(ChatId chat) {
        return rows.containsKey(chat);
    }

    @Override
    public synchronized CompletionStage<SharedOpen> publishOpen(ChatId chat, Duration openFor) {
        if (holdWrites) {
            CompletableFuture<SharedOpen> later = new CompletableFuture<>();
            heldWrites.add(() -> write(chat, openFor).whenComplete((row, e) -> {
                if (e == null) {
                    later.complete(row);
                } else {
                    later.completeExceptionally(e);
                }
            }));
            return later;
        }
        return write(chat, openFor);
    }

    private synchronized CompletionStage<SharedOpen> write(ChatId chat, Duration openFor) {
        if (unreachable()) {
            return CompletableFuture.failedFuture(new IllegalStateException("database unreachable"));
        }
        Instant now = databaseTime.instant();
        Row row = rows.get(chat);
        if (row == null || !now.isBefore(row.openUntil())) {
            row = new Row(nextGeneration++, now.plus(openFor), 0, null);
            rows.put(chat, row);
        }
        return CompletableFuture.completedFuture(view(chat, row, now));
    }

    @Override
    public synchronized CompletionStage<Void> publishClose(ChatId chat) {
        if (unreachable()) {
            return CompletableFuture.failedFuture(new IllegalStateException("database unreachable"));
        }
        Row row = rows.get(chat);
        if (row != null && !databaseTime.instant().isBefore(row.openUntil())) {
            rows.remove(chat);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized ProbeClaim claimProbe(ChatId chat, int permits) {
        if (unreachable()) {
            throw new IllegalStateException("database unreachable");
        }
        Instant now = databaseTime.instant();
        Row row = rows.get(chat);
        if (row == null) {
            return ProbeClaim.NOT_SHARED;
        }
        boolean lapsed = row.probeUntil() == null || !now.isBefore(row.probeUntil());
        if (!now.isBefore(row.openUntil()) && (lapsed || row.probes() < permits)) {
            rows.put(chat, new Row(row.generation(), row.openUntil(), lapsed ? 1 : row.probes() + 1, now.plus(lease)));
            return ProbeClaim.CLAIMED;
        }
        return ProbeClaim.taken(row.generation(), remaining(row, now));
    }

    @Override
    public synchronized void releaseProbe(ChatId chat) {
        if (unreachable()) {
            throw new IllegalStateException("database unreachable");
        }
        Row row = rows.get(chat);
        if (row != null) {
            int left = Math.max(0, row.probes() - 1);
            rows.put(chat, new Row(row.generation(), row.openUntil(), left, left == 0 ? null : row.probeUntil()));
        }
    }

    @Override
    public synchronized List<SharedOpen> openBreakers() {
        if (unreachable()) {
            throw new IllegalStateException("database unreachable");
        }
        Instant now = databaseTime.instant();
        List<SharedOpen> open = new ArrayList<>();
        rows.forEach((chat, row) -> open.add(view(chat, row, now)));
        return open;
    }

    private boolean unreachable() {
        calls.incrementAndGet();
        return down;
    }

    private static SharedOpen view(ChatId chat, Row row, Instant now) {
        boolean probing = row.probes() > 0 && row.probeUntil() != null && now.isBefore(row.probeUntil());
        return new SharedOpen(chat, row.generation(), remaining(row, now), probing);
    }

    private static Duration remaining(Row row, Instant now) {
        return now.isBefore(row.openUntil()) ? Duration.between(now, row.openUntil()) : Duration.ZERO;
    }
}
