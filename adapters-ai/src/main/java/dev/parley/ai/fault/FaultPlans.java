package dev.parley.ai.fault;

import dev.parley.domain.chat.ChatId;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The armed fault directives, one per chat: the REST layer arms a chat's directive when a request
 * carries {@code X-Debug-Force-Error} and disarms it when the request is over; the decorator asks
 * {@link #next(ChatId)} before every generation attempt of that chat. Two requests of one chat at
 * the same time share its plan (a debug tool; the last {@code arm} wins).
 *
 * <p>Thread-safe: each attempt consumes its place in the plan atomically.
 */
public final class FaultPlans {
    /** The fault one attempt is to fail with (its directive), and which attempt of the plan it is (1 = the first). */
    public record Injection(FaultDirective directive, int attempt) {
        public FaultKind kind() {
            return directive.kind();
        }
    }

    private static final class Plan {
        final FaultDirective directive;
        final AtomicInteger attempts = new AtomicInteger();

        Plan(FaultDirective directive) {
            this.directive = directive;
        }

        Optional<Injection> next() {
            int attempt = attempts.incrementAndGet();
            boolean fails = directive.count().isEmpty() || attempt <= directive.count().getAsInt();
            return fails ? Optional.of(new Injection(directive, attempt)) : Optional.empty();
        }
    }

    private final ConcurrentMap<ChatId, Plan> plans = new ConcurrentHashMap<>();

    /** Arms {@code directive} for the chat's next attempts, replacing what was armed before. */
    public void arm(ChatId chatId, FaultDirective directive) {
        plans.put(Objects.requireNonNull(chatId, "chatId"), new Plan(Objects.requireNonNull(directive, "directive")));
    }

    /** Removes the chat's plan (nothing happens when none is armed). */
    public void disarm(ChatId chatId) {
        plans.remove(chatId);
    }

    /** Whether a plan is armed for the chat. */
    public boolean isArmed(ChatId chatId) {
        return plans.containsKey(chatId);
    }

    /** Consumes one attempt of the chat's plan: the fault to inject, or empty when the attempt runs normally. */
    public Optional<Injection> next(ChatId chatId) {
        Plan plan = plans.get(chatId);
        return plan == null ? Optional.empty() : plan.next();
    }
}
