package it.dev.parley.contract;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the integration tests honest about the API contract: after every test (and after every test
 * class, for what {@code @BeforeAll} and {@code @AfterAll} sent) it validates each exchange
 * {@link it.dev.parley.support.Api} recorded against the OpenAPI document the server serves at
 * {@code /openapi}, and fails the test with the offending requests. Registered for every test class
 * through JUnit's extension auto-detection ({@code junit-platform.properties}); a test that made no
 * request costs nothing.
 *
 * <p>The document is fetched once, before the first integration-test class's own set-up (auto-detected
 * extensions come before a class's {@code @ExtendWith}): while an Arquillian class has deployed a copy of
 * the WAR beside the application, Liberty serves the two documents merged, and its merge fails on
 * {@code additionalProperties: false} ("Schema has a boolean value", a 500), so a run of one such class
 * alone could not read the contract.
 */
public final class ContractCheck implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private static ApiContract served;
    /** Checked so far in this JVM, by response status (and "event" for events): reported after each class. */
    private static final java.util.Map<String, Integer> CHECKED = new java.util.TreeMap<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        if (System.getProperty("parley.it.base-url") != null) { // an integration test: the IT server is up
            served();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check();
        synchronized (CHECKED) {
            if (!CHECKED.isEmpty()) {
                System.out.println("API CONTRACT checked so far (by status): " + CHECKED);
            }
        }
    }

    private static void check() {
        List<Exchange> exchanges = Exchanges.drain();
        List<Exchanges.ServerEvent> events = Exchanges.drainEvents();
        if (exchanges.isEmpty() && events.isEmpty()) {
            return;
        }
        ApiContract contract = served();
        synchronized (CHECKED) {
            exchanges.forEach(e -> CHECKED.merge(Integer.toString(e.status()), 1, Integer::sum));
            events.forEach(e -> CHECKED.merge("event " + e.name(), 1, Integer::sum));
        }
        List<String> report = new ArrayList<>();
        for (Exchange exchange : exchanges) {
            List<String> violations = contract.violations(exchange);
            if (!violations.isEmpty()) {
                report.add(exchange + "\n    " + String.join("\n    ", violations));
            }
        }
        for (Exchanges.ServerEvent event : events) {
            List<String> violations = contract.violations(event);
            if (!violations.isEmpty()) {
                report.add(event + "\n    " + String.join("\n    ", violations));
            }
        }
        if (!report.isEmpty()) {
            throw new AssertionError(report.size() + " of " + (exchanges.size() + events.size())
                    + " responses and events break the API contract served at /openapi:\n"
                    + String.join("\n", report));
        }
    }

    /** The document the IT server serves, fetched once (outside {@code Api}, so it is not recorded itself). */
    public static synchronized ApiContract served() {
        if (served == null) {
            served = fetch();
        }
        return served;
    }

    /** The document the IT server serves now, read afresh. */
    public static ApiContract fetch() {
        String base = System.getProperty("parley.it.base-url", "http://localhost:9280");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            // until the application has started, Liberty serves an empty document ("Generated API", no paths)
            long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            JsonNode document;
            do {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/openapi"))
                        .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("GET /openapi answered " + response.statusCode());
                }
                document = JsonMapper.builder().build().readTree(response.body());
                if (document.path("paths").isEmpty()) {
                    Thread.sleep(500); // polling interval of a deadline-bounded wait
                }
            } while (document.path("paths").isEmpty() && System.nanoTime() < until);
            return ApiContract.of(document);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the API document at " + base + "/openapi", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
