package dev.parley.app.config;

import dev.parley.application.common.Periodic;
import dev.parley.domain.event.ChatEventLog;
import dev.parley.domain.event.EventTicketStore;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.persistence.event.PostgresEventListener;
import dev.parley.rest.chat.ChatEventHub;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chat events across instances (docs/architecture.md#chat-events, docs/scale-out.md): connects the
 * outbox's fan-out at startup and stops it before the application goes.
 *
 * <ul>
 *   <li>The LISTEN connection: {@code parley.events.listen-url} (with {@code parley.events.listen-user}
 *       and {@code -password}, by default the database's), else {@code parley.db.url} itself. The
 *       listener checks that the URL reaches PostgreSQL itself, not a pooler: through a
 *       transaction-mode PgBouncer it gives up and the instance polls. With neither URL (the embedded
 *       database), the instance polls.</li>
 *   <li>The poll ({@code parley.events.poll-interval-ms}, in the hub) always runs while no LISTEN
 *       connection is up, and every tenth round as a safety net while one is.</li>
 *   <li>Every minute: events older than {@code parley.events.retention-ms} and expired tickets are
 *       purged.</li>
 * </ul>
 * Starting creates the hub, so a bad {@code parley.events.*} value stops the deployment with its name.
 */
@ApplicationScoped
public class EventsConfiguration {
    static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(EventsConfiguration.class.getName());

    @Resource
    ManagedThreadFactory threads;
    @Inject
    @ConfigProperty(name = "parley.events.listen-url")
    Optional<String> listenUrl;
    @Inject
    @ConfigProperty(name = "parley.events.listen-user")
    Optional<String> listenUser;
    @Inject
    @ConfigProperty(name = "parley.events.listen-password")
    Optional<String> listenPassword;
    @Inject
    @ConfigProperty(name = "parley.db.url")
    Optional<String> dbUrl;
    @Inject
    @ConfigProperty(name = "parley.db.user")
    Optional<String> dbUser;
    @Inject
    @ConfigProperty(name = "parley.db.password")
    Optional<String> dbPassword;
    @Inject
    @ConfigProperty(name = "parley.db.connect-timeout-ms", defaultValue = "5000")
    long connectTimeoutMs;
    @Inject
    @ConfigProperty(name = "parley.events.retention-ms", defaultValue = "3600000")
    long retentionMs;

    private volatile PostgresEventListener listener;
    private volatile List<Periodic> running = List.of();

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored, ChatEventHub hub, ChatEventLog log,
            EventTicketStore tickets, GuardedExecutor guarded) {
        if (retentionMs < 60_000) {
            throw new IllegalArgumentException(
                    "invalid parley.events.retention-ms setting: it must be at least 60000, not " + retentionMs);
        }
        hub.streams(); // creates the hub now: its settings are checked at startup
        Duration retention = Duration.ofMillis(retentionMs);
        running = List.of(Periodic.every(PURGE_EVERY, guarded.scheduler(), () -> {
            log.purgeOlderThan(retention);
            tickets.purgeExpired();
        }, e -> LOG.log(Level.WARNING, "purging old chat events and expired tickets failed; next run in a minute: "
                + e)));
        Optional<String> url = present(listenUrl).or(() -> present(dbUrl));
        if (url.isEmpty()) {
            LOG.info("chat events: no parley.events.listen-url nor parley.db.url; this instance polls the outbox");
            return;
        }
        boolean own = present(listenUrl).isPresent();
        String user = own ? present(listenUser).or(() -> present(dbUser)).orElse(null) : present(dbUser).orElse(null);
        String password = own ? present(listenPassword).or(() -> present(dbPassword)).orElse(null)
                : present(dbPassword).orElse(null);
        listener = new PostgresEventListener(url.get(), user, password, Duration.ofMillis(connectTimeoutMs), threads,
                new PostgresEventListener.Signals() {
                    @Override
                    public void appended(dev.parley.domain.chat.ChatId chatId, long lastId) {
                        hub.appended(chatId, lastId);
                    }

                    @Override
                    public void listening(boolean up) {
                        hub.listening(up);
                    }
                }).start();
    }

    /** Before the application's beans (and its persistence unit) go away, not after. */
    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        running.forEach(Periodic::cancel);
        PostgresEventListener l = listener;
        if (l != null) {
            l.close();
        }
    }

    private static Optional<String> present(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }
}
