package it.dev.parley.pgbouncer;

import dev.parley.domain.error.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The soak's judge: after the run, the invariants of issue #16 checked from the database and from every
 * recorded answer. Each invariant counts what it checked and lists the offending rows; nothing is
 * sampled.
 */
final class SoakInvariants {
    /** The error catalogue: every code an answer may carry, and its HTTP status (README, docs/architecture.md). */
    static final Map<String, Integer> CATALOGUE = Map.ofEntries(
            Map.entry("VALIDATION_FAILED", 400), Map.entry("UNAUTHENTICATED", 401),
            Map.entry("INSUFFICIENT_TOKENS", 402), Map.entry("CHAT_NOT_FOUND", 404),
            Map.entry("REQUEST_IN_PROGRESS", 409), Map.entry("IDEMPOTENCY_KEY_REUSED", 422),
            Map.entry("MODERATION_BLOCKED", 422), Map.entry("AI_RATE_LIMITED", 429),
            Map.entry("USER_RATE_LIMITED", 429), Map.entry("AI_BAD_RESPONSE", 502),
            Map.entry("AI_PROVIDER_UNAVAILABLE", 503), Map.entry("CIRCUIT_OPEN", 503),
            Map.entry("DATABASE_UNAVAILABLE", 503), Map.entry("AI_PROVIDER_TIMEOUT", 504),
            Map.entry("INTERNAL_ERROR", 500), Map.entry("NOT_FOUND", 404), Map.entry("METHOD_NOT_ALLOWED", 405),
            Map.entry("NOT_ACCEPTABLE", 406), Map.entry("PAYLOAD_TOO_LARGE", 413),
            Map.entry("UNSUPPORTED_MEDIA_TYPE", 415), Map.entry("TOO_MANY_STREAMS", 429));

    /** The retry policy the server ran with. */
    record Policy(int maxAttempts, long backoffBaseMs, long backoffCapMs, long deadlineMs, long costPerReply) {
        long backoff(int retry) {
            return Math.min(backoffCapMs, backoffBaseMs << (retry - 1));
        }
    }

    /** What the run produced, to be judged. */
    record Run(List<SoakExchange> exchanges, List<SoakLoad.User> users, Map<Integer, Long> funded,
            List<SoakChaos.Done> chaos, List<SoakLoad.Readiness> readiness, int serverStarts, String serverLog,
            Set<String> streamedMessageIds, List<String> pendingAfterRun, String runId) {
    }

    private record MessageRow(String id, String chatId, String userId, String role, String status, String key,
            String replyTo, String errorCode) {
        @Override
        public String toString() {
            return "message " + id + " " + role + " " + status + (errorCode == null ? "" : "(" + errorCode + ")") + " chat="
                    + chatId + " key=" + key + (replyTo == null ? "" : " replyTo=" + replyTo);
        }
    }

    private record LedgerRow(String id, String userId, String messageId, long delta, long balanceAfter) {
        @Override
        public String toString() {
            return "ledger " + id + " user=" + userId + " message=" + messageId + " delta=" + delta + " balanceAfter=" + balanceAfter;
        }
    }

    private final Run run;
    private final Policy policy;
    private final DataSource database;
    /** invariant → what it checked (a count and a noun) */
    private final Map<String, String> checked = new LinkedHashMap<>();
    /** invariant → offending rows */
    private final Map<String, List<String>> violations = new LinkedHashMap<>();

    SoakInvariants(Run run, Policy policy, DataSource database) {
        this.run = run;
        this.policy = policy;
        this.database = database;
    }

    /** Checks everything; the violations by invariant (empty when all hold). */
    Map<String, List<String>> check() {
        List<MessageRow> messages = messages();
        List<LedgerRow> ledger = ledger();
        Map<String, MessageRow> byId = messages.stream().collect(Collectors.toMap(MessageRow::id, Function.identity()));
        Map<String, List<MessageRow>> repliesTo = messages.stream().filter(m -> m.replyTo() != null)
                .collect(Collectors.groupingBy(MessageRow::replyTo));
        Map<String, List<LedgerRow>> ledgerOf = ledger.stream().collect(Collectors.groupingBy(LedgerRow::messageId));
        Map<String, String> userIdOf = run.users().stream()
                .collect(Collectors.toMap(u -> Integer.toString(u.index()), SoakLoad.User::id));

        createdTurns(byId, repliesTo, ledgerOf, userIdOf);
        oneReplyOneCharge(messages, byId, repliesTo, ledgerOf);
        balances(ledger);
        failures(messages, repliesTo, ledgerOf);
        noTurnPending();
        problems();
        readiness();
        attempts();
        events(byId);
        return violations;
    }

    Map<String, String> checked() {
        return checked;
    }

    // 1. every 201 is a completed turn with exactly one reply and exactly one ledger row
    private void createdTurns(Map<String, MessageRow> byId, Map<String, List<MessageRow>> repliesTo,
            Map<String, List<LedgerRow>> ledgerOf, Map<String, String> userIdOf) {
        String name = "every 201 is a completed turn with exactly one reply and one ledger row";
        long count = 0;
        for (SoakExchange e : run.exchanges()) {
            if (!e.created()) {
                continue;
            }
            count++;
            String um = e.userMessageId().orElse("?");
            String am = e.assistantMessageId().orElse("?");
            MessageRow user = byId.get(um);
            List<MessageRow> replies = repliesTo.getOrDefault(um, List.of());
            List<LedgerRow> charges = ledgerOf.getOrDefault(am, List.of());
            long charged = e.body().getJsonNumber("tokensCharged").longValue();
            List<String> wrong = new ArrayList<>();
            if (user == null || !user.role().equals("USER") || !user.status().equals("COMPLETED")
                    || !e.key().equals(user.key()) || !e.chatId().equals(user.chatId())) {
                wrong.add("user message " + (user == null ? "missing" : user));
            }
            if (replies.size() != 1 || !replies.get(0).id().equals(am)) {
                wrong.add("replies " + replies + " (answered " + am + ")");
            }
            if (charges.size() != 1 || charges.get(0).delta() != -policy.costPerReply()
                    || !charges.get(0).userId().equals(userIdOf.get(Integer.toString(e.user())))) {
                wrong.add("ledger rows " + charges);
            }
            if (charged != (e.replayed() ? 0 : policy.costPerReply())) {
                wrong.add("tokensCharged " + charged + (e.replayed() ? " on a replay" : ""));
            }
            if (!wrong.isEmpty()) {
                violation(name, e.line() + ": " + String.join("; ", wrong));
            }
        }
        checked.put(name, count + " answers 201 (fresh and replayed)");
    }

    // 2. no user message has two replies; no reply has two ledger rows (and none has none)
    private void oneReplyOneCharge(List<MessageRow> messages, Map<String, MessageRow> byId,
            Map<String, List<MessageRow>> repliesTo, Map<String, List<LedgerRow>> ledgerOf) {
        String name = "no user message has two replies; every reply has exactly one ledger row";
        long users = 0;
        long replies = 0;
        for (MessageRow m : messages) {
            if (m.role().equals("USER")) {
                users++;
                int n = repliesTo.getOrDefault(m.id(), List.of()).size();
                boolean ok = m.status().equals("COMPLETED") ? n == 1 : n == 0;
                if (!ok) {
                    violation(name, m + " has " + n + " replies");
                }
            } else {
                replies++;
                List<LedgerRow> charges = ledgerOf.getOrDefault(m.id(), List.of());
                if (charges.size() != 1) {
                    violation(name, m + " has ledger rows " + charges);
                }
                MessageRow answered = byId.get(m.replyTo());
                if (answered == null || !answered.status().equals("COMPLETED")) {
                    violation(name, m + " answers " + answered);
                }
            }
        }
        for (Map.Entry<String, List<LedgerRow>> entry : ledgerOf.entrySet()) {
            MessageRow charged = byId.get(entry.getKey());
            if (charged == null || !charged.role().equals("ASSISTANT")) {
                violation(name, "ledger rows " + entry.getValue() + " charge " + charged);
            }
        }
        checked.put(name, users + " user messages, " + replies + " replies, " + ledgerOf.size() + " charged messages");
    }

    // 3. each user's balance = funded − the sum of their ledger rows, ≥ 0
    private void balances(List<LedgerRow> ledger) {
        String name = "balance = funded grant - ledger rows, and >= 0";
        Map<String, Long> balance = new HashMap<>();
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement("select id::text, token_balance from users where id = any(?::uuid[])")) {
            s.setArray(1, c.createArrayOf("text", run.users().stream().map(SoakLoad.User::id).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    balance.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (SoakLoad.User user : run.users()) {
            long funded = run.funded().get(user.index());
            List<LedgerRow> rows = ledger.stream().filter(l -> l.userId().equals(user.id())).toList();
            long spent = rows.stream().mapToLong(LedgerRow::delta).sum();
            long now = balance.getOrDefault(user.id(), Long.MIN_VALUE);
            if (now != funded + spent || now < 0) {
                violation(name, "user " + user.index() + " (" + user.id() + "): funded " + funded + ", ledger " + spent
                        + ", balance " + now);
            }
            long[] after = rows.stream().mapToLong(LedgerRow::balanceAfter).sorted().toArray();
            for (int i = 0; i < after.length; i++) {
                long expected = funded - (long) (after.length - i) * policy.costPerReply();
                if (after[i] != expected) {
                    violation(name, "user " + user.index() + ": ledger balances " + Arrays.toString(after)
                            + " are not one charge each from " + funded);
                    break;
                }
            }
        }
        checked.put(name, run.users().size() + " users, " + ledger.size() + " ledger rows");
    }

    // 4. every failure the client saw left its turn uncharged; a later same-key retry was answered on the same user message
    private void failures(List<MessageRow> messages, Map<String, List<MessageRow>> repliesTo,
            Map<String, List<LedgerRow>> ledgerOf) {
        String name = "failures left the turn uncharged; same-key retries answered on the same user message";
        Map<String, List<SoakExchange>> byKey = run.exchanges().stream().filter(e -> e.key() != null)
                .collect(Collectors.groupingBy(SoakExchange::key, TreeMap::new, Collectors.toList()));
        Map<String, List<MessageRow>> stored = messages.stream().filter(m -> m.key() != null)
                .collect(Collectors.groupingBy(MessageRow::key));
        long failedThenAnswered = 0;
        long failedForGood = 0;
        for (Map.Entry<String, List<SoakExchange>> entry : byKey.entrySet()) {
            List<SoakExchange> same = entry.getValue().stream().filter(e -> !e.kind().equals("reuse")).toList();
            List<MessageRow> rows = stored.getOrDefault(entry.getKey(), List.of());
            Set<String> named = same.stream().map(SoakExchange::userMessageId).flatMap(Optional::stream)
                    .collect(Collectors.toSet());
            String lines = same.stream().map(SoakExchange::line).collect(Collectors.joining("\n      "));
            if (rows.size() > 1 || named.size() > 1 || (!named.isEmpty() && (rows.isEmpty() || !named.contains(rows.get(0).id())))) {
                violation(name, "key " + entry.getKey() + " answered on user messages " + named + ", stored " + rows
                        + "\n      " + lines);
            }
            entry.getValue().stream().filter(e -> e.kind().equals("reuse") && e.created())
                    .forEach(e -> violation(name, "the key with other content got a 201: " + e.line()));
            boolean answered = same.stream().anyMatch(SoakExchange::created);
            boolean failed = same.stream().anyMatch(e -> e.answered() && e.status() >= 400);
            if (failed && answered) {
                failedThenAnswered++;
            }
            if (!answered && !rows.isEmpty()) {
                failedForGood++;
                MessageRow turn = rows.get(0);
                List<MessageRow> replies = repliesTo.getOrDefault(turn.id(), List.of());
                List<LedgerRow> charges = replies.stream().flatMap(r -> ledgerOf.getOrDefault(r.id(), List.of()).stream())
                        .toList();
                if (!replies.isEmpty() || !charges.isEmpty()) {
                    violation(name, "no 201 for key " + entry.getKey() + ", yet " + turn + " has replies " + replies
                            + " and charges " + charges + "\n      " + lines);
                }
            }
        }
        Set<String> sent = byKey.keySet();
        messages.stream().filter(m -> m.role().equals("USER") && (m.key() == null || !sent.contains(m.key())))
                .forEach(m -> violation(name, "a user message no client sent: " + m));
        checked.put(name, byKey.size() + " keys; " + failedThenAnswered + " failed, then answered on the same user message; "
                + failedForGood + " stored turns never answered, all uncharged");
    }

    // 5. no turn is still pending after the run
    private void noTurnPending() {
        String name = "no turn still pending after the run";
        run.pendingAfterRun().forEach(row -> violation(name, row));
        checked.put(name, "all user messages of the run");
    }

    // 6. every non-2xx answer is problem+json with a catalogue code; 429 and 503 carry Retry-After
    private void problems() {
        String name = "every non-2xx is problem+json with a catalogue code, Retry-After on 429/503";
        String unanswered = "every request got an HTTP answer";
        String internal = "no INTERNAL_ERROR (a failure nobody foresaw)";
        for (ErrorCode code : ErrorCode.values()) {
            if (!CATALOGUE.containsKey(code.name())) {
                violation(name, "the soak's catalogue lacks " + code + ": add it to SoakInvariants.CATALOGUE");
            }
        }
        long problems = 0;
        for (SoakExchange e : run.exchanges()) {
            if (!e.answered()) {
                violation(unanswered, e.line());
                continue;
            }
            if (e.status() < 400) {
                continue;
            }
            problems++;
            Integer status = CATALOGUE.get(e.code());
            boolean hasRetryAfter = e.retryAfter().matches("\\d+");
            if (!e.contentType().startsWith("application/problem+json") || status == null || status != e.status()
                    || ((e.status() == 429 || e.status() == 503) && !hasRetryAfter)) {
                violation(name, e.line() + " content-type=" + e.contentType() + " retry-after=" + e.retryAfter()
                        + " body=" + e.body());
            }
            if (e.code().equals("INTERNAL_ERROR")) {
                violation(internal, e.line() + " body=" + e.body());
            }
        }
        checked.put(unanswered, run.exchanges().size() + " requests");
        checked.put(name, problems + " problem answers");
        checked.put(internal, problems + " problem answers");
    }

    // 7. the service answered /health/ready UP again within 10 s of each restart, without a restart of its own
    private void readiness() {
        String name = "ready within 10 s of each dependency's return, no restart of its own";
        for (SoakChaos.Done done : run.chaos()) {
            Optional<SoakLoad.Readiness> up = run.readiness().stream()
                    .filter(r -> r.atMs() >= done.backMs() && r.status() == 200).findFirst();
            if (up.isEmpty() || up.get().atMs() - done.backMs() > 10_000) {
                violation(name, done.action().kind() + " back at " + done.backMs() + " ms, ready at "
                        + up.map(r -> r.atMs() + " ms").orElse("never"));
            }
        }
        if (run.serverStarts() != 1) {
            violation(name, "the server started " + run.serverStarts() + " times (CWWKF0011I)");
        }
        checked.put(name, run.chaos().size() + " restarts and pauses, " + run.readiness().size() + " readiness polls");
    }

    // 8. provider attempts never exceeded what the retry policy allows: the chat_generation_attempt events of
    // messages.log per request id, and the retryMeta of every answer that has one
    private void attempts() {
        String name = "provider attempts within the retry policy (telemetry per request, and retryMeta)";
        Map<String, List<JsonObject>> logged = new HashMap<>();
        for (String line : run.serverLog().split("\n")) {
            int at = line.indexOf("{\"event\":\"chat_generation_attempt\"");
            if (at < 0 || !line.contains(run.runId())) {
                continue;
            }
            JsonObject event = json(line.substring(at));
            if (event != null) {
                logged.computeIfAbsent(event.getString("requestId", ""), k -> new ArrayList<>()).add(event);
            }
        }
        long attemptsSeen = 0;
        int most = 0;
        for (Map.Entry<String, List<JsonObject>> entry : logged.entrySet()) {
            List<Integer> numbers = entry.getValue().stream().filter(e -> !"rejected".equals(e.getString("outcome", "")))
                    .map(e -> e.getInt("attempt")).sorted().toList();
            attemptsSeen += numbers.size();
            most = Math.max(most, numbers.size());
            boolean oneEach = true;
            for (int i = 0; i < numbers.size(); i++) {
                oneEach &= numbers.get(i) == i + 1;
            }
            if (numbers.size() > policy.maxAttempts() || !oneEach) {
                violation(name, "request " + entry.getKey() + " made attempts " + numbers);
            }
        }
        long metas = 0;
        for (SoakExchange e : run.exchanges()) {
            Optional<JsonObject> meta = e.retryMeta();
            if (meta.isEmpty() || e.replayed()) {
                continue;
            }
            metas++;
            int attempts = meta.get().getInt("attempts");
            int retries = meta.get().getInt("retries");
            List<Long> waits = meta.get().getJsonArray("backoffMs").getValuesAs(JsonNumber.class).stream()
                    .map(JsonNumber::longValue).toList();
            long loggedAttempts = logged.getOrDefault(e.requestId(), List.of()).stream()
                    .filter(x -> !"rejected".equals(x.getString("outcome", ""))).count();
            List<String> wrong = new ArrayList<>();
            // a failure may show one wait more than retries: a wait after which the attempt was not made (the
            // chat's breaker, opened meanwhile by a concurrent request, refused it, or the deadline had come)
            boolean waitsFit = waits.size() == retries || (!e.created() && waits.size() == retries + 1);
            if (attempts > policy.maxAttempts() || !waitsFit || retries > Math.max(0, attempts - 1)
                    || (e.created() && retries != attempts - 1)) {
                wrong.add("attempts " + attempts + ", retries " + retries + ", waits " + waits);
            }
            for (int i = 0; i < waits.size(); i++) {
                if (waits.get(i) < policy.backoff(i + 1) || waits.get(i) >= policy.deadlineMs()) {
                    wrong.add("wait " + (i + 1) + " of " + waits.get(i) + " ms");
                }
            }
            if (waits.stream().mapToLong(Long::longValue).sum() >= policy.deadlineMs()) {
                wrong.add("waits " + waits + " beyond the deadline");
            }
            if (loggedAttempts != attempts) {
                wrong.add("retryMeta says " + attempts + " attempts, messages.log has " + loggedAttempts);
            }
            if (!wrong.isEmpty()) {
                violation(name, e.line() + ": " + String.join("; ", wrong));
            }
        }
        checked.put(name, attemptsSeen + " attempts of " + logged.size() + " requests in messages.log (at most " + most
                + " for one, the policy allows " + policy.maxAttempts() + "); " + metas + " retryMeta checked against them");
    }

    // extra: every message an event stream announced is a stored message
    private void events(Map<String, MessageRow> byId) {
        String name = "every message an event stream announced is stored";
        for (String id : run.streamedMessageIds()) {
            if (!byId.containsKey(id)) {
                violation(name, "event for message " + id + ", which is not stored");
            }
        }
        checked.put(name, run.streamedMessageIds().size() + " messages announced");
    }

    private void violation(String invariant, String row) {
        violations.computeIfAbsent(invariant, k -> new ArrayList<>()).add(row);
    }

    private List<MessageRow> messages() {
        List<MessageRow> rows = new ArrayList<>();
        query("select m.id::text, m.chat_id::text, c.user_id::text, m.role, m.status, m.idempotency_key, m.reply_to::text,"
                + " m.error_code from messages m join chats c on c.id = m.chat_id where c.user_id = any(?::uuid[]) order by m.seq",
                rs -> rows.add(new MessageRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8))));
        return rows;
    }

    private List<LedgerRow> ledger() {
        List<LedgerRow> rows = new ArrayList<>();
        query("select id::text, user_id::text, message_id::text, delta, balance_after from token_ledger"
                + " where user_id = any(?::uuid[])",
                rs -> rows.add(new LedgerRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5))));
        return rows;
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", run.users().stream().map(SoakLoad.User::id).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    row.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user messages still PENDING, as report rows (empty when none). */
    static List<String> pending(DataSource database, List<SoakLoad.User> users) {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(
                "select m.id::text, m.chat_id::text, m.idempotency_key, m.created_at, m.updated_at from messages m"
                        + " join chats c on c.id = m.chat_id where c.user_id = any(?::uuid[]) and m.status = 'PENDING'")) {
            s.setArray(1, c.createArrayOf("text", users.stream().map(SoakLoad.User::id).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add("PENDING message " + rs.getString(1) + " chat=" + rs.getString(2) + " key=" + rs.getString(3)
                            + " created=" + rs.getString(4) + " updated=" + rs.getString(5));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** Answers by status and code, e.g. {@code 201: 812, 503 DATABASE_UNAVAILABLE: 31}. */
    static Map<String, Long> outcomes(List<SoakExchange> exchanges) {
        return exchanges.stream().collect(Collectors.groupingBy(
                e -> !e.answered() ? "no answer" : e.status() + (e.code().isEmpty() ? "" : " " + e.code())
                        + (e.replayed() ? " (replayed)" : ""),
                TreeMap::new, Collectors.counting()));
    }

    static Map<String, Long> kinds(List<SoakExchange> exchanges) {
        return exchanges.stream().collect(Collectors.groupingBy(SoakExchange::kind, TreeMap::new, Collectors.counting()));
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text.trim()))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
