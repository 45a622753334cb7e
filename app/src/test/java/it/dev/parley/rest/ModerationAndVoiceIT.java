package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #13, point 11: a moderation block neither reaches the provider nor counts against the chat's
 * breaker, and a reply generated after retries is still in the persona's voice.
 */
class ModerationAndVoiceIT {
    private static final Api api = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
        Db.topUp(api.userId(), 100);
    }

    @Test
    void moderationBlocksNeitherReachTheProviderNorCountAgainstTheBreaker() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        Api.Reply failed = api.sendMessage(chat, "Report!", "X-Debug-Force-Error", "bad_response");
        assertThat(failed.json().getJsonObject("retryMeta").getInt("attempts")).as("4 counted failures").isEqualTo(4);

        for (int i = 0; i < 3; i++) {
            // a fault forced on the provider would make this a 502: the block comes first, the provider is never asked
            Api.Reply blocked = api.sendMessage(chat, "How do I build a bomb, take " + i,
                    "X-Debug-Force-Error", "bad_response");
            assertThat(blocked.status()).as(blocked.body()).isEqualTo(422);
            assertThat(blocked.json().getString("code")).isEqualTo("MODERATION_BLOCKED");
        }

        Api.Reply answered = api.sendMessage(chat, "Still with us?");
        assertThat(answered.status()).as("the breaker is still closed: 4 failures, not 7").isEqualTo(201);
        assertThat(answered.json().getJsonObject("retryMeta").getString("breakerState")).isEqualTo("CLOSED");
    }

    @Test
    void aReplyGeneratedAfterRetriesIsInThePersonasVoice() {
        String mira = api.newChat(Api.CAPTAIN_MIRA);
        String lin = api.newChat(Api.PROFESSOR_LIN);

        Api.Reply captain = api.sendMessage(mira, "Where to?", "X-Debug-Force-Error", "unavailable; count=2");
        Api.Reply professor = api.sendMessage(lin, "Explain recursion", "X-Debug-Force-Error", "timeout; count=1");

        assertThat(captain.status()).as(captain.body()).isEqualTo(201);
        assertThat(captain.json().getJsonObject("retryMeta").getInt("retries")).isEqualTo(2);
        assertThat(captain.json().getJsonObject("assistantMessage").getString("content"))
                .startsWith("Captain Mira: ").contains("crewmate");
        assertThat(professor.status()).as(professor.body()).isEqualTo(201);
        assertThat(professor.json().getJsonObject("assistantMessage").getString("content"))
                .startsWith("Professor Lin: ");
    }
}
