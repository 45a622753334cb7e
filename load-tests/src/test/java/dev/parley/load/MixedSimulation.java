package dev.parley.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A realistic mix: {@code users} users (default 32) each sign in, start a chat, watch its event
 * stream for the whole run and, with a think time of 0.5–2 s, read their profile, their chats or the
 * chat's messages, or send a message (about one action in three is a send) for {@code duration}
 * seconds (default 60).
 */
public class MixedSimulation extends Simulation {
    private final int users = Parley.intProperty("users", 32);
    private final Duration duration = Parley.seconds("duration", 60);

    private final ScenarioBuilder mixed = scenario("mixed")
            .exec(Parley.signedInWithChat("mixed"))
            // an EventSource cannot send a header: the stream opens with a single-use ticket
            .exec(Parley.authorized(http("events ticket").post("/api/chats/#{chatId}/events/ticket")
                    .check(status().is(200), jsonPath("$.ticket").saveAs("ticket"))))
            .exec(sse("events").get("/api/chats/#{chatId}/events?ticket=#{ticket}")
                    .header("Accept", "text/event-stream"))
            .during(duration, "turn").on(
                    exec(randomSwitch().on(
                            percent(35.0).then(exec(Parley.send("send").check(status().is(201)))),
                            percent(20.0).then(exec(Parley.authorized(http("messages")
                                    .get("/api/chats/#{chatId}/messages?limit=50").check(status().is(200))))),
                            percent(20.0).then(exec(Parley.authorized(http("chats").get("/api/chats").check(status().is(200))))),
                            percent(15.0).then(exec(Parley.authorized(http("me").get("/api/me").check(status().is(200))))),
                            percent(10.0).then(exec(http("personas").get("/api/personas").check(status().is(200))))))
                            .pause(Duration.ofMillis(500), Duration.ofMillis(2000)))
            .exec(sse("events").close());

    {
        setUp(mixed.injectClosed(constantConcurrentUsers(users).during(duration)))
                .protocols(Parley.protocol());
    }
}
