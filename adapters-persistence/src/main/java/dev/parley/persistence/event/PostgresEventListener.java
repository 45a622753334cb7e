package dev.parley.persistence.event;

import dev.parley.domain.chat.ChatId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The fan-out's fast path: one thread that holds a direct connection to PostgreSQL, {@code LISTEN}s on
 * {@link ChatEventsJpaAdapter#CHANNEL} and tells {@link Signals} which chat has events up to which id.
 * A transaction-mode pooler cannot carry {@code LISTEN} (the session is not the client's), so the
 * connection must reach PostgreSQL itself: one whose backend PID differs from the one the server
 * reports is a pooler's, and the listener gives up for good (the instance polls). A broken connection
 * is reopened (250 ms doubling to 5 s); while it is down {@link Signals#listening} is false so the
 * instance polls, and on every (re)connection it is told, so it catches up on what it missed.
 */
public final class PostgresEventListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PostgresEventListener.class.getName());
    /** The listener's {@code application_name}, for operators: set once the session is known to be direct. */
    public static final String APPLICATION_NAME = "parley-events-listener";
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How often an idle connection is checked with a query (a dead network shows only when one is sent). */
    private static final long CHECK_EVERY_MS = 10_000;

    /** Where the listener reports. Called on the listener's thread; must return quickly. */
    public interface Signals {
        /** The chat has events up to {@code lastId} (committed). */
        void appended(ChatId chatId, long lastId);

        /** The listener is up (true: it hears every append from now on) or down. */
        void listening(boolean up);
    }

    /** What came of the attempt to listen. */
    enum Outcome { STOPPED, POOLER }

    private final String url;
    private final Properties properties;
    private final Signals signals;
    private final Thread thread;
    private volatile boolean closed;
    /** The current connection got as far as listening (so the next outage is a new one). */
    private volatile boolean wasUp;

    /**
     * @param url       a JDBC URL of PostgreSQL itself (not a transaction pooler)
     * @param user      its user, or null
     * @param password  its password, or null
     * @param connectTimeout how long opening the connection may take
     */
    public PostgresEventListener(String url, String user, String password, Duration connectTimeout,
            ThreadFactory threads, Signals signals) {
        this.url = Objects.requireNonNull(url, "url");
        this.signals = Objects.requireNonNull(signals, "signals");
        this.properties = new Properties();
        if (user != null && !user.isBlank()) {
            properties.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            properties.setProperty("password", password);
        }
        long seconds = Math.max(1, (connectTimeout.toMillis() + 999) / 1000);
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("loginTimeout", Long.toString(seconds));
        properties.setProperty("socketTimeout", "30");
        properties.setProperty("tcpKeepAlive", "true");
        this.thread = threads.newThread(this::run);
        thread.setName(APPLICATION_NAME);
        thread.setDaemon(true);
    }

    /** Starts listening on its own thread. */
    public PostgresEventListener start() {
        thread.start();
        return this;
    }

    /** Stops the listener within about a second. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        boolean reported = false;
        while (!closed) {
            try {
                if (listen() == Outcome.POOLER) {
                    LOG.warning("parley.events.listen-url reaches a connection pooler, not PostgreSQL itself: "
                            + "LISTEN cannot work through it, this instance polls for chat events");
                    return;
                }
                return; // stopped
            } catch (SQLException | RuntimeException e) {
                signals.listening(false);
                if (wasUp) {
                    wasUp = false;
                    reported = false;
                    backoff = FIRST_BACKOFF;
                }
                if (closed) {
                    return;
                }
                if (!reported) {
                    LOG.log(Level.WARNING, "the chat events listener lost PostgreSQL (" + describe(e)
                            + "); polling until it is back");
                    reported = true;
                }
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** One connection's life: returns when stopped or when it is a pooler's; throws when it breaks. */
    Outcome listen() throws SQLException {
        try (Connection connection = new org.postgresql.Driver().connect(url, properties)) {
            if (connection == null) {
                throw new SQLException("not a PostgreSQL JDBC URL: parley.events.listen-url");
            }
            PGConnection pg = connection.unwrap(PGConnection.class);
            if (!direct(connection, pg)) {
                return Outcome.POOLER;
            }
            try (Statement statement = connection.createStatement()) {
                // named only once it is known to be PostgreSQL's own session: a pooler would carry the
                // name over to the server connection it lent for the check and leave it there
                statement.execute("set application_name = '" + APPLICATION_NAME + "'");
                statement.execute("LISTEN " + ChatEventsJpaAdapter.CHANNEL);
            }
            LOG.info("chat events: listening on a direct PostgreSQL connection");
            signals.listening(true);
            wasUp = true;
            long lastCheck = System.nanoTime();
            while (!closed) {
                PGNotification[] notifications = pg.getNotifications(1000);
                if (notifications != null) {
                    for (PGNotification n : notifications) {
                        signal(n.getParameter());
                    }
                }
                if (System.nanoTime() - lastCheck > CHECK_EVERY_MS * 1_000_000) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("select 1");
                    }
                    lastCheck = System.nanoTime();
                }
            }
            return Outcome.STOPPED;
        }
    }

    /** The connection's backend is the one the server says it is: no pooler in between. */
    static boolean direct(Connection connection, PGConnection pg) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select pg_backend_pid()")) {
            return rs.next() && rs.getInt(1) == pg.getBackendPID();
        }
    }

    /** {@code "<chatId> <lastId>"}, as the append sends it; anything else is ignored. */
    void signal(String payload) {
        ChatId chat;
        long last;
        try {
            int space = payload.indexOf(' ');
            chat = new ChatId(UUID.fromString(payload.substring(0, space)));
            last = Long.parseLong(payload.substring(space + 1));
        } catch (RuntimeException malformed) {
            LOG.fine("ignored a notification: " + payload);
            return;
        }
        signals.appended(chat, last);
    }

    private static String describe(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null ? "SQLSTATE " + sql.getSQLState()
                : e.getClass().getSimpleName();
    }
}
