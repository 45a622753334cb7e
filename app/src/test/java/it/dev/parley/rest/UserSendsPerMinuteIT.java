package it.dev.parley.rest;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.Db;
import it.dev.parley.support.ParleyWar;
import jakarta.json.JsonObject;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default of 30 sends a minute per user (issue #12, point 6), on a copy of the WAR of its own
 * (see {@link UserLimitsIT}): its user is fresh, so its sliding minute (counted in the database)
 * starts empty and the count is exact, and the sends it refuses cannot refuse another IT's.
 */
@ExtendWith(ArquillianExtension.class)
class UserSendsPerMinuteIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ParleyWar.copy("parley-sends.war");
    }

    @ArquillianResource
    URL base;

    @Test
    void thirtySendsInAMinuteAreAnsweredTheThirtyFirstIs429AndAReplayStillIs201() {
        Api api = new Api(base.toString());
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        for (int i = 1; i <= 30; i++) {
            Api.Reply reply = api.sendMessage(chat, "Message " + i, "Idempotency-Key", "send-" + i);
            assertThat(reply.status()).as("send %d: %s", i, reply.body()).isEqualTo(201);
        }
        String refusedChat = api.newChat(Api.PROFESSOR_LIN);
        long balance = Db.balance(api.userId());

        Api.Reply refused = api.sendMessage(refusedChat, "Thirty-one", "Idempotency-Key", "send-31");
        Api.Reply refusedZh = api.sendMessage(refusedChat, "Thirty-one", "Accept-Language", "zh");
        Api.Reply replay = api.sendMessage(chat, "Message 1", "Idempotency-Key", "send-1");

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        JsonObject problem = refused.json();
        assertThat(problem.getString("code")).isEqualTo("USER_RATE_LIMITED");
        assertThat(problem.getString("limit")).isEqualTo("sends-per-minute");
        assertThat(problem.getBoolean("retryable")).isTrue();
        assertThat(problem.getString("detail")).isEqualTo(
                "You sent 30 messages within a minute, the most allowed. Wait a few seconds, then send again.");
        // the first send leaves the sliding minute 60 s after it was admitted: the wait says when
        assertThat(refused.header("Retry-After")).hasValueSatisfying(
                v -> assertThat(Integer.parseInt(v)).isBetween(1, 60).isEqualTo(problem.getInt("retryAfterSeconds")));
        assertThat(refusedZh.status()).isEqualTo(429);
        assertThat(refusedZh.json().getString("detail")).isEqualTo("你在一分钟内已发送 30 条消息，达到上限。请稍等几秒再发送。");
        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", refusedChat)).isZero();
        assertThat(Db.balance(api.userId())).isEqualTo(balance);

        assertThat(replay.status()).as("a client retrying after a lost response gets its answer: " + replay.body())
                .isEqualTo(201);
        assertThat(replay.json().getBoolean("replayed")).isTrue();
        assertThat(replay.json().getInt("tokensCharged")).isZero();
        assertThat(api.sendMessage(refusedChat, "Thirty-one", "Idempotency-Key", "send-31").status())
                .as("the replay took no place in the minute").isEqualTo(429);
        assertThat(Db.scalar("select count(*) from messages where chat_id = ?", chat)).isEqualTo(60);
    }
}
