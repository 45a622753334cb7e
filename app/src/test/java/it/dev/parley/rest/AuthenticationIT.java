package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.EventStream;
import it.dev.parley.support.TestTokens;
import jakarta.json.Json;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens against the deployed WAR: what is refused (401 problem+json UNAUTHENTICATED, English
 * and Chinese, {@code WWW-Authenticate: Bearer}, nothing written), how a token of the configured issuer
 * provisions its user once (also under concurrent first requests), the development sign-in, and the
 * event-stream tickets.
 */
class AuthenticationIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Api anonymous = Api.anonymous();

    @BeforeAll
    static void serviceIsUp() {
        anonymous.awaitReady(Duration.ofSeconds(180));
    }

    private static void assertUnauthenticated(Api.Reply reply, String language) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(401);
        assertThat(reply.header("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(reply.header("WWW-Authenticate").orElse("")).startsWith("Bearer");
        assertThat(reply.json().getString("code")).isEqualTo("UNAUTHENTICATED");
        assertThat(reply.json().getBoolean("retryable")).isFalse();
        assertThat(reply.json().getString("detail")).isEqualTo(language.equals("zh")
                ? "无法确认你的身份，请重新登录。" : "We could not tell who you are. Sign in again.");
    }

    private static PrivateKey strangerKey() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPrivate();
    }

    @Test
    void publicEndpointsNeedNoToken() {
        assertThat(anonymous.get("/api/personas").status()).isEqualTo(200);
    }

    @Test
    void everyOtherEndpointWithoutATokenIs401() {
        String chat = UUID.randomUUID().toString();
        List<Api.Reply> replies = List.of(anonymous.get("/api/me"), anonymous.get("/api/chats"),
                anonymous.post("/api/chats", "{\"personaId\":\"" + Api.CAPTAIN_MIRA + "\"}"),
                anonymous.get("/api/chats/" + chat + "/messages"),
                anonymous.sendMessage(chat, "hello"),
                anonymous.get("/api/chats/" + chat + "/events", "Accept", "text/event-stream"),
                anonymous.post("/api/chats/" + chat + "/events/ticket", ""),
                anonymous.get("/api/no-such-thing"));
        assertThat(replies).allSatisfy(reply -> assertUnauthenticated(reply, "en"));
    }

    /** Missing, malformed, expired, wrongly signed, wrong issuer, alg none, another scheme: each refused, nothing written. */
    @Test
    void badCredentialsAre401InEnglishAndChineseAndWriteNothing() throws Exception {
        String subject = "bad-" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        Map<String, String> authorizations = new LinkedHashMap<>();
        authorizations.put("missing", null);
        authorizations.put("empty bearer", "Bearer ");
        authorizations.put("malformed", "Bearer not-a-jwt");
        authorizations.put("garbage segments", "Bearer a.b.c");
        authorizations.put("expired", "Bearer " + TestTokens.signed(TestTokens.claims(subject)
                .add("iat", now - 7200).add("exp", now - 3600)));
        authorizations.put("wrong signature", "Bearer " + TestTokens.sign(TestTokens.header().build(),
                TestTokens.claims(subject).build(), strangerKey()));
        authorizations.put("wrong issuer", "Bearer " + TestTokens.signed(TestTokens.claims(subject)
                .add("iss", "https://evil.example")));
        authorizations.put("alg none", "Bearer " + TestTokens.unsigned(TestTokens.claims(subject)));
        authorizations.put("tampered claims", "Bearer " + tamper(TestTokens.signed(TestTokens.claims(subject))));
        authorizations.put("basic scheme", "Basic YWxpY2U6c2VjcmV0");
        long chatsBefore = Db.scalar("select count(*) from chats");

        for (Map.Entry<String, String> case_ : authorizations.entrySet()) {
            for (String language : List.of("en", "zh")) {
                List<String> headers = new ArrayList<>(List.of("Accept-Language", language));
                if (case_.getValue() != null) {
                    headers.addAll(List.of("Authorization", case_.getValue()));
                }
                String[] pairs = headers.toArray(String[]::new);
                Api.Reply me = anonymous.get("/api/me", pairs);
                Api.Reply created = anonymous.post("/api/chats", "{\"personaId\":\"" + Api.CAPTAIN_MIRA + "\"}", pairs);
                assertThat(List.of(me, created)).as(case_.getKey()).allSatisfy(r -> assertUnauthenticated(r, language));
            }
        }

        assertThat(Db.scalar("select count(*) from users where subject = ?", subject)).as("no user provisioned").isZero();
        assertThat(Db.scalar("select count(*) from chats")).as("no chat created").isEqualTo(chatsBefore);
    }

    /** The signature of a token, over other claims: the subject swapped after signing. */
    private static String tamper(String token) {
        String[] parts = token.split("\\.");
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
        String forged = claims.replaceFirst("\"sub\":\"[^\"]*\"", "\"sub\":\"admin\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    }

    @Test
    void aTokenOfTheConfiguredIssuerProvisionsItsUserOnceWithCleanedClaims() {
        String subject = "kc-" + UUID.randomUUID();
        String token = TestTokens.signed(TestTokens.claims(subject)
                .add("name", "\u202EAda\u0000 \t Lovelace\u0007" + "x".repeat(500))
                .add("locale", "zh-CN"));
        Api ada = Api.withToken(token);

        Api.Reply first = ada.get("/api/me");
        Api.Reply second = ada.get("/api/me");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(second.json().getString("id")).isEqualTo(first.json().getString("id"));
        String name = first.json().getString("displayName");
        assertThat(name).startsWith("Ada Lovelace").hasSize(120).doesNotContain("\u0000", "\u0007", "\u202E", "\t");
        assertThat(first.json().getString("locale")).isEqualTo("zh-CN");
        assertThat(first.json().getJsonNumber("tokenBalance").longValue()).as("the initial grant").isEqualTo(100);
        assertThat(Db.scalar("select count(*) from users where subject = ?", subject)).isEqualTo(1);
    }

    @Test
    void hostileOrMissingProfileClaimsFallBackToDefaults() {
        String token = TestTokens.signed(TestTokens.claims("kc-" + UUID.randomUUID())
                .add("preferred_username", "\u0001\u0002 ").add("locale", "en-US-x-very-long-private-use"));
        Api.Reply me = Api.withToken(token).get("/api/me");

        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().getString("displayName")).isEqualTo("Parley user");
        assertThat(me.json().getString("locale")).isEqualTo("en");
    }

    @Test
    void aTokenWithoutASubjectIs401() {
        long now = Instant.now().getEpochSecond();
        String token = TestTokens.signed(Json.createObjectBuilder().add("iss", TestTokens.ISSUER)
                .add("iat", now).add("exp", now + 600).add("upn", "nobody"));
        assertUnauthenticated(Api.withToken(token).get("/api/me"), "en");
    }

    /** Twelve first requests of one new subject at once: one user, one grant of 100 tokens. */
    @Test
    void concurrentFirstRequestsOfANewSubjectProvisionOneUser() throws Exception {
        String subject = "race-" + UUID.randomUUID();
        Api racer = Api.withToken(TestTokens.signed(TestTokens.claims(subject).add("name", "Racer")));
        int racers = 12;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Api.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                replies.add(pool.submit(() -> {
                    start.await();
                    return racer.get("/api/me");
                }));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<Api.Reply> reply : replies) {
                Api.Reply me = reply.get(60, TimeUnit.SECONDS);
                assertThat(me.status()).as(me.body()).isEqualTo(200);
                ids.add(me.json().getString("id"));
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Db.scalar("select count(*) from users where subject = ?", subject)).isEqualTo(1);
        assertThat(Db.scalar("select token_balance from users where subject = ?", subject)).isEqualTo(100);
    }

    @Test
    void devLoginSignsInTheSameUsernameAsTheSameUser() {
        String username = "alice." + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply token = anonymous.post("/api/auth/dev-login", "{\"username\":\"" + username + "\"}");

        assertThat(token.status()).as(token.body()).isEqualTo(200);
        assertThat(token.json().getString("tokenType")).isEqualTo("Bearer");
        assertThat(token.json().getJsonNumber("expiresIn").longValue()).isPositive();
        assertThat(token.json().getString("accessToken")).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        Api first = Api.as(username);
        Api again = Api.as(username);
        assertThat(again.userId()).isEqualTo(first.userId());
        assertThat(first.get("/api/me").json().getString("displayName")).isEqualTo(username);
        assertThat(Db.scalar("select count(*) from users where subject = ?", "dev:" + username)).isEqualTo(1);
    }

    @Test
    void devLoginRefusesBadUsernamesWithAValidationProblem() {
        for (String body : List.of("{}", "{\"username\":\"\"}", "{\"username\":\"a b\"}", "{\"username\":\"ünï\"}",
                "{\"username\":\"" + "x".repeat(65) + "\"}", "{\"username\":\"a/b\"}", "{\"username\":\"a\\u0000\"}",
                "not json")) {
            Api.Reply reply = anonymous.post("/api/auth/dev-login", body, "Accept-Language", "zh");
            assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(400);
            assertThat(reply.json().getString("code")).isEqualTo("VALIDATION_FAILED");
            assertThat(reply.header("Content-Language")).contains("zh");
        }
    }

    @Test
    void aTicketOpensTheOwnersStreamOnceAndOnlyForItsChat() {
        Api owner = Api.fromSystemProperties();
        String chat = owner.newChat(Api.CAPTAIN_MIRA);
        String other = owner.newChat(Api.PROFESSOR_LIN);
        Api.Reply issued = owner.post("/api/chats/" + chat + "/events/ticket", "");
        assertThat(issued.status()).as(issued.body()).isEqualTo(200);
        assertThat(issued.json().getInt("expiresIn")).isEqualTo(30);
        String ticket = issued.json().getString("ticket");
        assertThat(java.util.Base64.getUrlDecoder().decode(ticket)).as("at least 128 random bits").hasSizeGreaterThanOrEqualTo(16);

        try (EventStream events = EventStream.openWithTicket(anonymous, chat, ticket)) {
            assertThat(events.status()).isEqualTo(200);
            events.awaitComment("connected", WAIT);
        }
        assertUnauthenticated(ticketStream(chat, ticket), "en"); // used
        assertUnauthenticated(ticketStream(other, owner.eventTicket(chat)), "en"); // another chat's
        assertUnauthenticated(ticketStream(chat, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "en"); // unknown
    }

    private static Api.Reply ticketStream(String chat, String ticket) {
        return anonymous.get("/api/chats/" + chat + "/events?ticket=" + ticket, "Accept", "text/event-stream");
    }

    /** A stream ends when the token behind it would have expired; the client reconnects with a fresh one. */
    @Test
    void aStreamEndsWhenItsTokenExpires() {
        long now = Instant.now().getEpochSecond();
        Api shortLived = Api.withToken(TestTokens.signed(TestTokens.claims("short-" + UUID.randomUUID())
                .add("exp", now + 4)));
        String chat = shortLived.newChat(Api.CAPTAIN_MIRA);
        try (EventStream events = EventStream.openWithTicket(anonymous, chat, shortLived.eventTicket(chat))) {
            events.awaitComment("connected", WAIT);
            assertThat(events.awaitEnd(Duration.ofSeconds(30))).as("the server ended the stream").isTrue();
        }
    }
}
