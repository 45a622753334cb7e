package dev.parley.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Steady turns, closed model: {@code users} virtual users (default 8) each sign in, start a chat of
 * their own and send turn after turn (no think time, a unique Idempotency-Key each) for
 * {@code duration} seconds (default 30). The "send" request's throughput is the turn rate.
 *
 * <pre>./mvnw -pl load-tests -Pload gatling:test -Dgatling.simulationClass=dev.parley.load.TurnsSimulation \
 *     -Dparley.url=http://localhost:9080 -Dusers=32 -Dduration=60</pre>
 */
public class TurnsSimulation extends Simulation {
    private final int users = Parley.intProperty("users", 8);
    private final Duration duration = Parley.seconds("duration", 30);

    private final ScenarioBuilder turns = scenario("turns")
            .exec(Parley.signedInWithChat("turns"))
            .during(duration, "turn").on(
                    Parley.send("send").check(status().is(201), jsonPath("$.assistantMessage.content").exists()));

    {
        // closed model: a user that ends (only a failed sign-in or chat start does, early) is replaced
        setUp(turns.injectClosed(constantConcurrentUsers(users).during(duration)))
                .protocols(Parley.protocol());
    }
}
