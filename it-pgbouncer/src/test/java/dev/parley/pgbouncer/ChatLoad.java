package dev.parley.pgbouncer;

import dev.parley.application.chat.ChatTurn;
import dev.parley.application.chat.SendMessageCommand;
import dev.parley.application.chat.SendMessageFailedException;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.user.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent chat turns through the send-message use case over a {@link PersistencePath}: each
 * worker thread is its own user with its own chat (alternately with Captain Mira and Professor
 * Lin), so every answer can be checked for being the right one: the turn's own text quoted back by
 * the chat's persona, and the worker's own balance going down by exactly one per reply.
 */
final class ChatLoad {
    static final long INITIAL_BALANCE = 1_000_000;
    private static final UUID CAPTAIN_MIRA = UUID.fromString("00000000-0000-4000-8000-00000000a001");
    private static final UUID PROFESSOR_LIN = UUID.fromString("00000000-0000-4000-8000-00000000a002");

    /** One worker's identity and record. */
    static final class Worker {
        final int index;
        final UserId user = new UserId(UUID.randomUUID());
        final ChatId chat = new ChatId(UUID.randomUUID());
        final String personaName;
        final UUID persona;
        final List<ChatTurn> completed = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger attempts = new AtomicInteger();

        Worker(int index) {
            this.index = index;
            this.persona = index % 2 == 0 ? CAPTAIN_MIRA : PROFESSOR_LIN;
            this.personaName = index % 2 == 0 ? "Captain Mira" : "Professor Lin";
        }
    }

    /** What a run produced. */
    record Result(int attempted, int succeeded, List<Throwable> failures, List<String> wrongResults, long elapsedNanos) {
        double turnsPerSecond() {
            return succeeded / (elapsedNanos / 1e9);
        }
    }

    final List<Worker> workers = new ArrayList<>();
    private final PersistencePath path;
    private final boolean strictBalance;
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * Arranges {@code threads} users and chats directly in PostgreSQL. With {@code strictBalance} each
     * reply's balance must be exactly one below the previous one (off when commits may be lost in
     * flight, e.g. while the pooler restarts).
     */
    ChatLoad(PersistencePath path, int threads, boolean strictBalance) {
        this.path = path;
        this.strictBalance = strictBalance;
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(i);
            workers.add(w);
            try (Connection c = Databases.direct().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into users (id, subject, display_name, locale, token_balance)"
                                + " values (?, ?, 'Load', 'en', ?)")) {
                    ps.setObject(1, w.user.value());
                    ps.setString(2, "load:" + w.user.value());
                    ps.setLong(3, INITIAL_BALANCE);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("insert into chats (id, user_id, persona_id, title,"
                        + " created_at, last_activity_at) values (?, ?, ?, 'load', now(), now())")) {
                    ps.setObject(1, w.chat.value());
                    ps.setObject(2, w.user.value());
                    ps.setObject(3, w.persona);
                    ps.executeUpdate();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs up to {@code turnsPerThread} turns on every worker (fewer if {@link #stop()} is called). */
    Result run(int turnsPerThread) {
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Worker w : workers) {
                running.add(pool.submit(() -> work(w, turnsPerThread)));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        long elapsed = System.nanoTime() - start;
        int attempted = workers.stream().mapToInt(w -> w.attempts.get()).sum();
        int succeeded = workers.stream().mapToInt(w -> w.completed.size()).sum();
        return new Result(attempted, succeeded, List.copyOf(failures), List.copyOf(wrong), elapsed);
    }

    void stop() {
        stop.set(true);
    }

    /** The user messages of the turns that failed so far (each failure names its stored message). */
    List<UUID> failedTurns() {
        return failuresSoFar().stream().filter(f -> f instanceof SendMessageFailedException)
                .map(f -> ((SendMessageFailedException) f).userMessageId().value()).toList();
    }

    /** How many of {@code userMessages} are still PENDING in the store (read directly). */
    long stillPending(List<UUID> userMessages) {
        try (Connection c = Databases.direct().getConnection()) {
            long pending = 0;
            for (UUID id : userMessages) {
                pending += Long.parseLong(one(c, "select count(*) from messages where id = ? and status = 'PENDING'", id));
            }
            return pending;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The workers' user messages still PENDING in the store (read directly, not through PgBouncer). */
    long pendingTurns() {
        try (Connection c = Databases.direct().getConnection()) {
            long pending = 0;
            for (Worker w : workers) {
                pending += Long.parseLong(one(c, "select count(*) from messages where chat_id = ? and role = 'USER'"
                        + " and status = 'PENDING'", w.chat.value()));
            }
            return pending;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Throwable> failuresSoFar() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private void work(Worker w, int turns) {
        long expectedBalance = INITIAL_BALANCE;
        for (int i = 0; i < turns && !stop.get(); i++) {
            w.attempts.incrementAndGet();
            String content = "turn " + w.index + "/" + i + " " + UUID.randomUUID();
            try {
                ChatTurn turn = path.sendMessage
                        .send(new SendMessageCommand(w.user, w.chat, content, Optional.of("k-" + i + "-" + content.hashCode()),
                                "load-" + w.index + "-" + i))
                        .toCompletableFuture().join();
                String problem = check(w, content, turn, expectedBalance - 1);
                if (problem != null) {
                    wrong.add(problem);
                } else {
                    w.completed.add(turn);
                }
                expectedBalance = turn.tokenBalance();
            } catch (CompletionException e) {
                failures.add(e.getCause() != null ? e.getCause() : e);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    private String check(Worker w, String content, ChatTurn turn, long expectedBalance) {
        String reply = turn.assistantMessage().content();
        if (!turn.userMessage().content().equals(content) || !turn.userMessage().chatId().equals(w.chat)) {
            return "worker " + w.index + ": user message is not the one sent";
        }
        if (!reply.startsWith(w.personaName + ": ") || !reply.contains("You said \"" + content + "\"")) {
            return "worker " + w.index + ": reply is not this persona's answer to this turn: " + reply;
        }
        if (!turn.assistantMessage().replyTo().equals(Optional.of(turn.userMessage().id()))) {
            return "worker " + w.index + ": reply answers another message";
        }
        if (strictBalance ? turn.tokenBalance() != expectedBalance : turn.tokenBalance() > expectedBalance) {
            return "worker " + w.index + ": balance " + turn.tokenBalance() + " where " + expectedBalance + " was due";
        }
        return null;
    }

    /**
     * Checks the rows against what the workers were told: every completed turn is stored once with its
     * contents, every reply is charged exactly once, and each balance is the initial one minus the
     * charges. Returns the discrepancies (empty when the rows are right).
     */
    List<String> verifyRows() {
        List<String> problems = new ArrayList<>();
        try (Connection c = Databases.direct().getConnection()) {
            for (Worker w : workers) {
                for (ChatTurn turn : List.copyOf(w.completed)) {
                    String stored = one(c, "select string_agg(u.content || '|' || a.content || '|' || u.status, ',')"
                            + " from messages u join messages a on a.reply_to = u.id where u.id = ?",
                            turn.userMessage().id().value());
                    String expected = turn.userMessage().content() + "|" + turn.assistantMessage().content() + "|COMPLETED";
                    if (!expected.equals(stored)) {
                        problems.add("worker " + w.index + ": turn stored as " + stored);
                    }
                }
                long replies = Long.parseLong(one(c, "select count(*) from messages where chat_id = ? and role = 'ASSISTANT'",
                        w.chat.value()));
                long charges = Long.parseLong(one(c, "select count(*) from token_ledger l join messages m"
                        + " on m.id = l.message_id where m.chat_id = ? and m.role = 'ASSISTANT'", w.chat.value()));
                long allCharges = Long.parseLong(one(c, "select count(*) from token_ledger where user_id = ?", w.user.value()));
                long balance = Long.parseLong(one(c, "select token_balance from users where id = ?", w.user.value()));
                long duplicates = Long.parseLong(one(c, "select count(*) - count(distinct content) from messages"
                        + " where chat_id = ? and role = 'USER'", w.chat.value()));
                if (replies != charges || charges != allCharges) {
                    problems.add("worker " + w.index + ": " + replies + " replies but " + allCharges + " charges");
                }
                if (balance != INITIAL_BALANCE - allCharges) {
                    problems.add("worker " + w.index + ": balance " + balance + " after " + allCharges + " charges");
                }
                if (replies < w.completed.size()) {
                    problems.add("worker " + w.index + ": " + w.completed.size() + " turns completed, " + replies + " replies stored");
                }
                if (duplicates != 0) {
                    problems.add("worker " + w.index + ": " + duplicates + " user messages stored twice");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return problems;
    }

    private static String one(Connection c, String sql, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
