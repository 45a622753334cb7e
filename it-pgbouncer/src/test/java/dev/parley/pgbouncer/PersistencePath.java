package dev.parley.pgbouncer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.ai.local.LocalReplyGenerator;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.application.chat.SendMessageService;
import dev.parley.application.limit.InMemoryUserQuotas;
import dev.parley.application.limit.UserLimits;
import dev.parley.application.chat.TurnEvents;
import dev.parley.application.chat.SendMessageUseCase;
import dev.parley.application.moderation.RuleBasedModeration;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.breaker.BreakerListener;
import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.resilience.AttemptListener;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.resilience.Scheduler;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.domain.telemetry.GenerationTelemetry;
import dev.parley.domain.token.TokenWallet;
import dev.parley.jdbc.ParleyDataSource;
import dev.parley.jdbc.PoolerReport;
import dev.parley.persistence.account.TokenWalletJpaAdapter;
import dev.parley.persistence.boundary.DatabaseFailures;
import dev.parley.persistence.chat.ConversationsJpaAdapter;
import dev.parley.persistence.persona.PersonasJpaAdapter;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The service's real persistence path outside Liberty: {@link ParleyDataSource} (the class Liberty's
 * {@code jdbc/parley} is built on) → a connection pool (HikariCP standing in for Liberty's) →
 * Hibernate with the production mappings → the production JPA adapters → the send-message use case
 * (wired as the composition root wires it: rule-based moderation, the per-chat breaker and retry
 * policy on a scheduler) with the built-in local reply generator.
 *
 * <p>What the container does around the adapters is reproduced here in a few lines: each port call
 * joins the thread's transaction or runs in its own ({@code @Transactional(REQUIRED)}), the unit of
 * work is one transaction, the entity manager the adapters hold is bound to the thread's
 * transaction, and the production {@link DatabaseFailures} translation wraps it all, outside the
 * transaction, exactly where {@code DatabaseFailureInterceptor} sits in the server.
 */
public final class PersistencePath implements AutoCloseable {
    private final ParleyDataSource parley;
    private final HikariDataSource pool;
    private final EntityManagerFactory emf;
    private final ThreadLocal<EntityManager> current = new ThreadLocal<>();
    private final ScheduledExecutorService scheduler;

    public final Conversations conversations;
    public final Personas personas;
    public final TokenWallet wallet;
    public final UnitOfWork unitOfWork;
    public final SendMessageUseCase sendMessage;

    private PersistencePath(ParleyDataSource parley, int poolSize, Duration replyLatency) {
        this.parley = parley;
        HikariConfig config = new HikariConfig();
        config.setDataSource(parley);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(1000);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(-1);
        config.setPoolName("parley-test-" + poolSize);
        this.pool = new HikariDataSource(config);
        this.emf = Persistence.createEntityManagerFactory("parley-pgbouncer",
                Map.of("jakarta.persistence.nonJtaDataSource", pool));

        EntityManager em = (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EntityManager.class}, (proxy, method, args) -> {
                    EntityManager bound = current.get();
                    if (bound == null) {
                        throw new IllegalStateException("no transaction: " + method.getName());
                    }
                    return invoke(method, bound, args);
                });
        Clock clock = Clock.systemUTC();
        this.conversations = boundary(Conversations.class, new ConversationsJpaAdapter(em));
        this.personas = boundary(Personas.class, new PersonasJpaAdapter(em));
        this.wallet = boundary(TokenWallet.class, new TokenWalletJpaAdapter(em, UUID::randomUUID, clock));
        this.unitOfWork = new UnitOfWork() {
            @Override
            public <T> T inTransaction(Supplier<T> work) {
                return atBoundary(work);
            }
        };
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-test-scheduler");
            t.setDaemon(true);
            return t;
        });
        Scheduler waits = (delay, task) -> {
            ScheduledFuture<?> f = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        GuardedExecutor guarded = new GuardedExecutor(
                new ChatBreakerRegistry(BreakerConfig.defaults(), clock, BreakerListener.NONE),
                RetryPolicy.defaults(), waits, clock, new Random(), AttemptListener.NONE);
        this.sendMessage = new SendMessageService(
                new SendMessageService.Ports(conversations, personas, wallet, slowed(new LocalReplyGenerator(), replyLatency),
                        new RuleBasedModeration(), unitOfWork, GenerationTelemetry.NONE, TurnEvents.NONE,
                        // a load harness of one user: limits far above what it sends
                        new InMemoryUserQuotas(new UserLimits(100_000, 100_000_000, 1), clock, Duration.ofHours(1))),
                guarded, UUID::randomUUID, clock,
                new SendMessageService.Settings(1, 20, RetryPolicy.defaults().deadline().plusSeconds(30)));
    }

    /**
     * The path over {@code url} with {@code parley.db.pgbouncer-disable-cache} = {@code setting} and a
     * pool of {@code poolSize} client connections.
     */
    public static PersistencePath over(String url, String setting, int poolSize) {
        return over(url, setting, poolSize, Duration.ZERO);
    }

    /** The same, with replies that take {@code replyLatency} to generate (turns stay in flight that long). */
    public static PersistencePath over(String url, String setting, int poolSize, Duration replyLatency) {
        ParleyDataSource parley = new ParleyDataSource();
        parley.setURL(url);
        parley.setUser("postgres");
        parley.setLoginTimeout(2);
        parley.setPgbouncerDisableCache(setting);
        return new PersistencePath(parley, poolSize, replyLatency);
    }

    /** The pooled data source, for raw JDBC load through the same connections. */
    public DataSource pool() {
        return pool;
    }

    /** What ParleyDataSource decided, after the first connection. */
    public PoolerReport report() {
        try (Connection c = pool.getConnection()) {
            return parley.poolerReport();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        emf.close();
        pool.close();
    }

    private <T> T boundary(Class<T> port, T adapter) {
        return port.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {port},
                (proxy, method, args) -> method.getDeclaringClass() == Object.class
                        ? invoke(method, adapter, args)
                        : atBoundary(() -> invoke(method, adapter, args))));
    }

    private <T> T atBoundary(Supplier<T> work) {
        try {
            return required(work);
        } catch (RuntimeException e) {
            throw DatabaseFailures.translate(e);
        }
    }

    private <T> T required(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        EntityManager em = emf.createEntityManager();
        current.set(em);
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.get();
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            try {
                if (tx.isActive()) {
                    tx.rollback();
                }
            } catch (RuntimeException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        } finally {
            current.remove();
            em.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T invoke(Method method, Object target, Object[] args) {
        try {
            return (T) method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ReplyGenerator slowed(ReplyGenerator generator, Duration latency) {
        if (latency.isZero()) {
            return generator;
        }
        Executor later = CompletableFuture.delayedExecutor(latency.toMillis(), TimeUnit.MILLISECONDS);
        return request -> CompletableFuture.runAsync(() -> { }, later).thenCompose(ignored -> generator.generate(request));
    }
}
