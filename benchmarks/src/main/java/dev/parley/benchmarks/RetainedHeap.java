package dev.parley.benchmarks;

import dev.parley.domain.breaker.ChatBreakerRegistry;
import dev.parley.domain.breaker.Permission;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Heap a breaker set-up retains after serving N distinct chats once each (permission + success),
 * every contender in a fresh JVM. Chat keys are created per call and dropped, as a request's path
 * parameter would be, so whatever a registry keeps (keys included) counts. A last run shows Parley
 * when every chat fails once: those chats are tracked, and eviction keeps them bounded.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.parley.benchmarks.RetainedHeap [chats]</pre>
 */
public final class RetainedHeap {

    /** The last one is Parley when every chat fails once instead: tracked, so bounded by eviction. */
    private static final String[] CONTENDERS = {"parley", "resilience4j", "failsafe", "parley-every-chat-failed-once"};

    private RetainedHeap() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            measure(args[0], Integer.parseInt(args[1]));
            return;
        }
        int chats = args.length == 1 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.println("| contender | chats served | entries kept | retained heap | per chat |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String contender : CONTENDERS) {
            System.out.println(fork(contender, chats));
        }
    }

    private static String fork(String contender, int chats) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-Xms4g", "-Xmx4g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), RetainedHeap.class.getName(), contender,
                Integer.toString(chats)).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || lines.isEmpty()) {
            return "| " + contender + " | failed: " + String.join(" / ", lines) + " | | | |";
        }
        return lines.get(lines.size() - 1);
    }

    private static void measure(String contender, int chats) {
        SplittableRandom random = new SplittableRandom(2026);
        long before = usedAfterGc();
        Object kept;
        int entries;
        switch (contender) {
            case "parley" -> {
                ChatBreakerRegistry registry = Contenders.parley();
                for (int i = 0; i < chats; i++) {
                    ChatId chat = new ChatId(new UUID(random.nextLong(), random.nextLong()));
                    Permission permission = registry.tryAcquirePermission(chat);
                    if (permission.permitted()) {
                        registry.onSuccess(chat);
                    }
                }
                kept = registry;
                entries = registry.size();
            }
            case "parley-every-chat-failed-once" -> {
                ChatBreakerRegistry registry = Contenders.parley();
                for (int i = 0; i < chats; i++) {
                    ChatId chat = new ChatId(new UUID(random.nextLong(), random.nextLong()));
                    if (registry.tryAcquirePermission(chat).permitted()) {
                        registry.onFailure(chat, ErrorCode.AI_PROVIDER_UNAVAILABLE);
                    }
                }
                kept = registry;
                entries = registry.size();
            }
            case "resilience4j" -> {
                CircuitBreakerRegistry registry = Contenders.resilience4j();
                for (int i = 0; i < chats; i++) {
                    CircuitBreaker breaker = registry.circuitBreaker(new UUID(random.nextLong(), random.nextLong()).toString());
                    if (breaker.tryAcquirePermission()) {
                        breaker.onSuccess(0, TimeUnit.NANOSECONDS);
                    }
                }
                kept = registry;
                entries = registry.getAllCircuitBreakers().size();
            }
            case "failsafe" -> {
                Contenders.FailsafeBreakers registry = new Contenders.FailsafeBreakers();
                for (int i = 0; i < chats; i++) {
                    dev.failsafe.CircuitBreaker<Object> breaker = registry.get(new UUID(random.nextLong(), random.nextLong()).toString());
                    if (breaker.tryAcquirePermit()) {
                        breaker.recordSuccess();
                    }
                }
                kept = registry;
                entries = registry.size();
            }
            default -> throw new IllegalArgumentException("unknown contender " + contender);
        }
        long retained = Math.max(0, usedAfterGc() - before);
        Reference.reachabilityFence(kept);
        System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.1f MiB | %.0f B |%n", contender, chats, entries,
                retained / (1024.0 * 1024.0), retained / (double) chats);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
