package dev.parley.rest.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness check {@value #NAME}: DOWN only when the heap still in use right after the last garbage
 * collection exceeds {@value #LIMIT_PERCENT}% of the maximum heap, the state in which a JVM spends its
 * time collecting instead of serving and a restart is the cure. It deliberately looks at nothing
 * outside the process (the database, the AI provider): an outage there would otherwise restart every
 * instance at once, which cures nothing. Measured after collection, not the instantaneous usage,
 * so a busy but healthy heap (full of garbage) does not flap.
 */
@Liveness
@ApplicationScoped
public class HeapLivenessCheck implements HealthCheck {
    static final String NAME = "heap";
    static final int LIMIT_PERCENT = 95;

    @Override
    public HealthCheckResponse call() {
        long usedAfterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
                    ? pool.getCollectionUsage() : null;
            if (afterGc != null) {
                usedAfterGc += afterGc.getUsed();
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        boolean alive = max == Long.MAX_VALUE || usedAfterGc * 100 <= max * LIMIT_PERCENT;
        return HealthCheckResponse.named(NAME).status(alive)
                .withData("usedAfterLastGcBytes", usedAfterGc)
                .withData("maxBytes", max)
                .withData("limitPercent", LIMIT_PERCENT)
                .build();
    }
}
