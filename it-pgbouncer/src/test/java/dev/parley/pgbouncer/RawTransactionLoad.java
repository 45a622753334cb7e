package dev.parley.pgbouncer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plain JDBC multi-statement transactions through a pool: each thread owns one account and, per
 * transaction, reads its balance, adds to it, writes a journal row and reads its journal count back,
 * then commits. The two reads have the same shape (one int parameter, one bigint column), so a
 * statement answered by another client's prepared statement returns a plausible wrong number rather
 * than an error: every value read is checked against what the thread knows it must be.
 */
final class RawTransactionLoad {
    record Result(int transactions, int committed, List<Throwable> failures, List<String> wrongResults) {
    }

    private RawTransactionLoad() {
    }

    static Result run(javax.sql.DataSource pool, int threads, int transactionsPerThread) {
        Databases.execute("create table if not exists pgb_accounts (id int primary key, balance bigint not null)");
        Databases.execute("create table if not exists pgb_journal (id bigserial primary key, account int not null,"
                + " amount bigint not null)");
        int base = ThreadLocalRandom.current().nextInt(1, 1_000_000) * 100;
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        int committed = 0;
        try {
            List<Future<Integer>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int account = base + t;
                Databases.execute("insert into pgb_accounts values (" + account + ", 0)");
                running.add(executor.submit(() -> work(pool, account, transactionsPerThread, failures, wrong)));
            }
            for (Future<Integer> f : running) {
                committed += f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            executor.shutdownNow();
        }
        return new Result(threads * transactionsPerThread, committed, List.copyOf(failures), List.copyOf(wrong));
    }

    private static int work(javax.sql.DataSource pool, int account, int transactions, List<Throwable> failures,
            List<String> wrong) {
        long balance = 0;
        long entries = 0;
        int committed = 0;
        for (int i = 1; i <= transactions; i++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    long read = single(c, "select balance from pgb_accounts where id = ?", account);
                    if (read != balance) {
                        wrong.add("account " + account + ": balance " + read + " where " + balance + " was due");
                    }
                    try (PreparedStatement ps = c.prepareStatement("update pgb_accounts set balance = balance + ? where id = ?")) {
                        ps.setLong(1, i);
                        ps.setInt(2, account);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("insert into pgb_journal (account, amount) values (?, ?)")) {
                        ps.setInt(1, account);
                        ps.setLong(2, i);
                        ps.executeUpdate();
                    }
                    long count = single(c, "select count(*) from pgb_journal where account = ?", account);
                    if (count != entries + 1) {
                        wrong.add("account " + account + ": " + count + " journal rows where " + (entries + 1) + " were due");
                    }
                    c.commit();
                    balance += i;
                    entries++;
                    committed++;
                } catch (SQLException | RuntimeException e) {
                    failures.add(e);
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the connection is broken; the pool discards it
                    }
                    // re-learn the truth directly, so later checks are not thrown off by this failure
                    balance = direct("select balance from pgb_accounts where id = ?", account);
                    entries = direct("select count(*) from pgb_journal where account = ?", account);
                }
            } catch (SQLException e) {
                failures.add(e);
            }
        }
        return committed;
    }

    private static long single(Connection c, String sql, int account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long direct(String sql, int account) {
        try (Connection c = Databases.direct().getConnection()) {
            return single(c, sql, account);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
