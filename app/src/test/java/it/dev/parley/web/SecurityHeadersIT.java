package it.dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import it.dev.parley.support.EventStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of response carries the security headers as real HTTP headers — the page, its scripts,
 * the API's JSON, problem+json from JAX-RS and from the container's error page, the event stream — and
 * none says what server it is.
 */
class SecurityHeadersIT {
    private static final Api api = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
    }

    @Test
    void theWebClientsPageForbidsFramingAndForeignSources() {
        Api.Reply page = api.get("/");

        assertThat(page.status()).isEqualTo(200);
        assertSecurityHeaders("/", page::header);
        assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'").contains("script-src 'self'").contains("style-src 'self'"));
    }

    @Test
    void aScriptCarriesThem() {
        Api.Reply script = api.get("/js/main.js");

        assertThat(script.status()).isEqualTo(200);
        assertSecurityHeaders("/js/main.js", script::header);
    }

    @Test
    void apiJsonCarriesThem() {
        Api.Reply personas = api.get("/api/personas");

        assertThat(personas.status()).isEqualTo(200);
        assertSecurityHeaders("/api/personas", personas::header);
    }

    @Test
    void aContainerLevelNotFoundProblemCarriesThem() {
        Api.Reply missing = api.get("/no-such-file.js");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertSecurityHeaders("/no-such-file.js", missing::header);
    }

    @Test
    void anApiNotFoundProblemCarriesThem() {
        Api.Reply missing = api.get("/api/no-such-resource");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertSecurityHeaders("/api/no-such-resource", missing::header);
    }

    @Test
    void aMethodNotAllowedProblemCarriesThem() {
        Api.Reply wrongMethod = api.send(api.request("/api/personas").DELETE());

        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertSecurityHeaders("DELETE /api/personas", wrongMethod::header);
    }

    @Test
    void theEventStreamCarriesThem() {
        String chat = api.newChat(Api.CAPTAIN_MIRA);
        try (EventStream events = EventStream.open(api, chat)) {
            assertThat(events.status()).isEqualTo(200);
            assertSecurityHeaders("events", events::header);
        }
    }

    private static void assertSecurityHeaders(String what, Function<String, Optional<String>> header) {
        assertThat(header.apply("Content-Security-Policy")).as(what + " Content-Security-Policy")
                .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        assertThat(header.apply("X-Content-Type-Options")).as(what + " X-Content-Type-Options").contains("nosniff");
        assertThat(header.apply("Referrer-Policy")).as(what + " Referrer-Policy").contains("no-referrer");
        assertThat(header.apply("X-Powered-By")).as(what + " X-Powered-By").isEmpty();
    }
}
