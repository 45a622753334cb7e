package dev.parley.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A provider outage: {@code waiting} users (default 500) each start a fresh chat and send a message
 * whose every attempt fails ({@code X-Debug-Force-Error: unavailable}; needs
 * {@code parley.debug.force-error.enabled=true}), so each send spends seconds in backoff between
 * attempts before it fails with 503; they repeat for {@code duration} seconds (default 30), a new
 * chat each time so no breaker opens. Meanwhile a probe reads a cheap endpoint
 * ({@code GET /api/personas}) {@code probeRate} times a second (default 20), from {@code settle}
 * seconds (default 5) after the last user started: its "probe" response times are the figure of
 * this simulation. For the sends to wait rather than fail at once, the server must let them retry:
 * a retry budget that refuses most of them ({@code parley.retry.budget.*}, which an outage is what it
 * is for) turns the waiting sends into quick failures, and the shorter the backoff, the more of the
 * server's time goes into sends starting and failing rather than waiting ({@code scripts/bench-e2e
 * scenarios} sets both). With a backoff longer than the probe's window (two attempts 40 s apart, and
 * {@code -Dsettle=2 -Dduration=28}) each user sends once and all 500 sends wait while the probe runs:
 * the waiting alone, without the churn of sends starting and failing.
 */
public class OutageSimulation extends Simulation {
    private final int waiting = Parley.intProperty("waiting", 500);
    private final int probeRate = Parley.intProperty("probeRate", 20);
    private final Duration duration = Parley.seconds("duration", 30);
    private final Duration rampUp = Duration.ofSeconds(10);
    private final Duration settle = Parley.seconds("settle", 5);

    private final ScenarioBuilder outage = scenario("sends in backoff")
            .exec(Parley.signIn("outage"))
            .exitHereIfFailed()
            .during(duration.plus(rampUp).plus(settle), "turn").on(
                    exec(Parley.newChat())
                            .exec(Parley.send("failing send").header("X-Debug-Force-Error", "unavailable")
                                    .check(status().is(503), Parley.problemCode())));

    private final ScenarioBuilder probe = scenario("probe")
            .exec(http("probe").get("/api/personas").check(status().is(200)));

    {
        setUp(outage.injectOpen(rampUsers(waiting).during(rampUp)),
                // starts once the waiting sends are all in and their sign-ins are over
                probe.injectOpen(nothingFor(rampUp.plus(settle)), constantUsersPerSec(probeRate).during(duration)))
                .protocols(Parley.protocol().maxConnectionsPerHost(1000));
    }
}
