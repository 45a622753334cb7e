package dev.parley.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Refusals by an open breaker: {@code users} users (default 8) each open their chat's breaker with
 * failing sends ({@code X-Debug-Force-Error: unavailable}; needs a server with
 * {@code parley.debug.force-error.enabled=true}), then send for {@code duration} seconds (default
 * 30) into the open breaker: every "refused send" must be a 503 CIRCUIT_OPEN. The sends keep the
 * fault header, so a half-open probe fails and the breaker opens again.
 *
 * <p>By default each user sends its next refused send as soon as the last one is answered (a closed
 * loop: the latency then includes the wait for the machine, which the other users keep busy). With
 * {@code rate} (refused sends per second per user) each user paces its sends instead, so that the
 * latency is that of a refusal on a server that is not saturated.
 */
public class BreakerRefusalSimulation extends Simulation {
    private static final String FAULT = "X-Debug-Force-Error";
    private final int users = Parley.intProperty("users", 8);
    private final Duration duration = Parley.seconds("duration", 30);
    private final int rate = Parley.intProperty("rate", 0);

    private final ScenarioBuilder refusals = scenario("breaker refusals")
            .exec(Parley.signedInWithChat("breaker"))
            .exec(session -> session.set("problemCode", "").set("opening", 0))
            // at most 10 failing sends: one with all its retries and one attempt more opens it (threshold 5).
            // The loop's own counter is "turn" (the message text uses it); a counter set by hand under that
            // name would make the next loop, which counts with "turn" too, think it had already begun
            // (Gatling: "key not found: timestamp.turn", and no refused send at all)
            .asLongAs(session -> !"CIRCUIT_OPEN".equals(session.getString("problemCode"))
                    && session.getInt("opening") < 10, "turn")
            .on(exec(Parley.send("open the breaker").header(FAULT, "unavailable")
                    .check(status().is(503), Parley.problemCode()))
                    .exec(session -> session.set("opening", session.getInt("opening") + 1)))
            .exitHereIfFailed()
            .during(duration, "turn").on(
                    (rate > 0 ? pace(Duration.ofMillis(1000 / rate)) : exec(session -> session))
                            .exec(Parley.send("refused send").header(FAULT, "unavailable")
                                    .check(status().is(503),
                                            io.gatling.javaapi.core.CoreDsl.jsonPath("$.code").is("CIRCUIT_OPEN"))));

    {
        setUp(refusals.injectClosed(constantConcurrentUsers(users).during(duration)))
                .protocols(Parley.protocol());
    }
}
