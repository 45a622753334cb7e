package it.dev.parley.pgbouncer;

import dev.parley.pgbouncer.Databases;
import dev.parley.pgbouncer.PgBouncer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several instances of the package ({@link LibertyServer#behind}) over one PgBouncer in transaction
 * mode (pool 8) and the shared PostgreSQL, as operators run them behind a load balancer. Closing it
 * stops the instances, the last first, then PgBouncer.
 */
final class Cluster implements AutoCloseable {
    private final PgBouncer bouncer;
    private final List<LibertyServer> instances = new ArrayList<>();

    private Cluster(PgBouncer bouncer) {
        this.bouncer = bouncer;
    }

    /** Starts {@code size} instances with {@code environment} added, behind a PgBouncer named {@code name}. */
    static Cluster start(String name, int size, Map<String, String> environment) {
        Databases.postgres();
        Cluster cluster = new Cluster(PgBouncer.start(name, PgBouncer.Mode.TRANSACTION, 8, Databases.postgres().getPort()));
        try {
            for (int n = 1; n <= size; n++) {
                cluster.instances.add(LibertyServer.behind(cluster.bouncer, n, environment));
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Instance {@code n}, 1-based. */
    LibertyServer instance(int n) {
        return instances.get(n - 1);
    }

    /** Every instance as the user {@code subject} (one user: the same token on each), in instance order. */
    LibertyServer[] as(String subject) {
        return instances.stream().map(server -> server.as(subject)).toArray(LibertyServer[]::new);
    }

    @Override
    public void close() {
        for (int i = instances.size() - 1; i >= 0; i--) {
            instances.get(i).close();
        }
        bouncer.close();
    }
}
