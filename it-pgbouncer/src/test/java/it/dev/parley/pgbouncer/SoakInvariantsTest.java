package it.dev.parley.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.pgbouncer.Databases;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The soak's judge catches what it must: a consistent world (one answered turn, one failed turn, a
 * replay) passes, and each kind of breach — a reply without its charge, a balance that does not add
 * up, a failure the client saw last on a charged turn, a 503 without {@code Retry-After}, a request
 * with more attempts than the policy allows, readiness back too late — is reported under its
 * invariant. Rows in the shared test PostgreSQL, one fresh user per test.
 */
class SoakInvariantsTest {
    private static final SoakInvariants.Policy POLICY = new SoakInvariants.Policy(4, 1_000, 10_000, 25_000, 1);
    private static final String MIRA = "00000000-0000-4000-8000-00000000a001";

    private final String userId = UUID.randomUUID().toString();
    private final String chatId = UUID.randomUUID().toString();
    private final String answered = UUID.randomUUID().toString();
    private final String reply = UUID.randomUUID().toString();
    private final String failed = UUID.randomUUID().toString();
    private final List<SoakExchange> exchanges = new ArrayList<>();
    private List<SoakChaos.Done> chaos = List.of();
    private String log = "";

    /** A user funded with 10 who got one answered turn (key k1, charged 1) and one failed turn (key k2). */
    private void world(long balance) {
        Databases.execute("insert into users (id, subject, display_name, token_balance) values ('" + userId + "', 'soak-test-"
                + userId + "', 'soak', " + balance + ")");
        Databases.execute("insert into chats (id, user_id, persona_id, title, created_at, last_activity_at) values ('" + chatId
                + "', '" + userId + "', '" + MIRA + "', 't', now(), now())");
        Databases.execute("insert into messages (id, chat_id, role, content, status, idempotency_key, created_at, updated_at)"
                + " values ('" + answered + "', '" + chatId + "', 'USER', 'hi', 'COMPLETED', 'k1', now(), now()),"
                + " ('" + failed + "', '" + chatId + "', 'USER', 'hi again', 'FAILED', 'k2', now(), now())");
        Databases.execute("insert into messages (id, chat_id, role, content, status, reply_to, created_at, updated_at)"
                + " values ('" + reply + "', '" + chatId + "', 'ASSISTANT', 'ahoy', 'COMPLETED', '" + answered + "', now(), now())");
        exchanges.add(created(1, "k1", 1, false, "soak-t-r1"));
        exchanges.add(created(2, "k1", 0, true, "soak-t-r2"));
        exchanges.add(problem(3, "k2", 504, "AI_PROVIDER_TIMEOUT", "", failed));
        log = attempt("soak-t-r1", 1, "succeeded");
    }

    private void charge(String messageId, long balanceAfter) {
        Databases.execute("insert into token_ledger (id, user_id, message_id, delta, balance_after, created_at) values ('"
                + UUID.randomUUID() + "', '" + userId + "', '" + messageId + "', -1, " + balanceAfter + ", now())");
    }

    private Map<String, List<String>> judge() {
        SoakLoad.User user = new SoakLoad.User(0, "soak-test", userId, List.of(chatId));
        SoakInvariants.Run run = new SoakInvariants.Run(exchanges, List.of(user), Map.of(0, 10L), chaos,
                List.of(new SoakLoad.Readiness(100, 200), new SoakLoad.Readiness(20_000, 200)), 1, log, Set.of(reply),
                List.of(), "soak-t");
        return new SoakInvariants(run, POLICY, Databases.direct()).check();
    }

    @Test
    void aConsistentRunPasses() {
        world(9);
        charge(reply, 9);
        assertThat(judge()).isEmpty();
    }

    @Test
    void aReplyWithoutItsChargeIsReported() {
        world(10);
        assertThat(judge()).containsKeys("every 201 is a completed turn with exactly one reply and one ledger row",
                "no user message has two replies; every reply has exactly one ledger row");
    }

    @Test
    void aBalanceThatDoesNotAddUpIsReported() {
        world(8);
        charge(reply, 9);
        assertThat(judge()).containsOnlyKeys("balance = funded grant - ledger rows, and >= 0");
    }

    @Test
    void aChargedTurnWhoseClientSawOnlyAFailureIsReported() {
        world(9);
        charge(reply, 9);
        exchanges.removeIf(SoakExchange::created);
        exchanges.add(problem(4, "k1", 503, "DATABASE_UNAVAILABLE", "2", answered));
        assertThat(judge()).containsOnlyKeys("failures left the turn uncharged; same-key retries answered on the same user message");
    }

    @Test
    void aServiceUnavailableWithoutRetryAfterIsReported() {
        world(9);
        charge(reply, 9);
        exchanges.add(problem(4, "k2", 503, "AI_PROVIDER_UNAVAILABLE", "", failed));
        assertThat(judge()).containsOnlyKeys("every non-2xx is problem+json with a catalogue code, Retry-After on 429/503");
    }

    @Test
    void moreAttemptsThanThePolicyAllowsAreReported() {
        world(9);
        charge(reply, 9);
        log += "\n" + String.join("\n", attempt("soak-t-r9", 1, "failed"), attempt("soak-t-r9", 2, "failed"),
                attempt("soak-t-r9", 3, "failed"), attempt("soak-t-r9", 4, "failed"), attempt("soak-t-r9", 5, "failed"));
        assertThat(judge()).containsOnlyKeys("provider attempts within the retry policy (telemetry per request, and retryMeta)");
    }

    @Test
    void readinessBackLaterThanTenSecondsIsReported() {
        world(9);
        charge(reply, 9);
        chaos = List.of(new SoakChaos.Done(new SoakChaos.Action(SoakChaos.Kind.KILL_PGBOUNCER, 0, 1_000), 500, 1_000));
        assertThat(judge()).containsOnlyKeys("ready within 10 s of each dependency's return, no restart of its own");
    }

    private SoakExchange created(long seq, String key, long charged, boolean replayed, String requestId) {
        JsonObject body = Json.createObjectBuilder()
                .add("userMessage", Json.createObjectBuilder().add("id", answered))
                .add("assistantMessage", Json.createObjectBuilder().add("id", reply))
                .add("tokensCharged", charged).add("tokenBalance", 9)
                .add("retryMeta", Json.createObjectBuilder().add("attempts", replayed ? 0 : 1).add("retries", 0)
                        .add("backoffMs", Json.createArrayBuilder()))
                .add("replayed", replayed).build();
        return new SoakExchange(seq, replayed ? "resend" : "send", 0, chatId, key, requestId, seq, seq, 201,
                "application/json", "", body, "");
    }

    private SoakExchange problem(long seq, String key, int status, String code, String retryAfter, String userMessageId) {
        JsonObject body = Json.createObjectBuilder().add("code", code).add("retryable", true)
                .add("userMessageId", userMessageId).build();
        return new SoakExchange(seq, "send", 0, chatId, key, "soak-t-p" + seq, seq, seq, status, "application/problem+json",
                retryAfter, body, "");
    }

    private static String attempt(String requestId, int attempt, String outcome) {
        return "[12/1/26] parley.telemetry I {\"event\":\"chat_generation_attempt\",\"requestId\":\"" + requestId
                + "\",\"attempt\":" + attempt + ",\"outcome\":\"" + outcome + "\"}";
    }
}
