package dev.parley.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.sse;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.UUID;

/**
 * {@link TurnsSimulation}'s turns, streamed ({@code Accept: text/event-stream}): each turn is a
 * streamed send read to its end. The report's timings per turn: "streamed send" until the response
 * headers (they leave with the {@code accepted} event, after the opening transaction), then "first
 * delta" (from there to the reply's first piece) and "completed" (from there to the stored reply);
 * the group "streamed turn" sums them per turn (its cumulated time is the turn's, as the JSON send's). Closed model, {@code users} (default 8) for {@code duration} s (default 30).
 *
 * <pre>./mvnw -pl load-tests -Pload gatling:test -Dgatling.simulationClass=dev.parley.load.StreamedTurnsSimulation \
 *     -Dparley.url=http://localhost:9080 -Dusers=8 -Dduration=30</pre>
 */
public class StreamedTurnsSimulation extends Simulation {
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(30);
    private final int users = Parley.intProperty("users", 8);
    private final Duration duration = Parley.seconds("duration", 30);

    private final ScenarioBuilder turns = scenario("streamed turns")
            .exec(Parley.signedInWithChat("streamed"))
            .during(duration, "turn").on(
                    group("streamed turn").on(exec(sse("streamed send").post("/api/chats/#{" + Parley.CHAT + "}/messages")
                            .header("Authorization", "Bearer #{" + Parley.TOKEN + "}")
                            .header("Accept", "text/event-stream")
                            .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                            .body(StringBody(session -> "{\"content\":\"hello from load test turn "
                                    + session.getInt("turn") + "\"}"))
                            .await(TURN_TIMEOUT).on(
                                    sse.checkMessage("first delta").matching(jsonPath("$.event").is("delta")),
                                    sse.checkMessage("completed").matching(jsonPath("$.event").in("completed", "failed"))
                                            .check(jsonPath("$.event").is("completed"))))
                    .exec(sse("close").close())));

    {
        setUp(turns.injectClosed(constantConcurrentUsers(users).during(duration)))
                .protocols(Parley.protocol());
    }
}
