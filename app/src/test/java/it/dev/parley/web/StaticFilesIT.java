package it.dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Api;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WAR serves the web client at {@code /} next to the API, with the types browsers need for ES modules. */
class StaticFilesIT {
    private static final Api api = Api.fromSystemProperties();

    @BeforeAll
    static void serviceIsUp() {
        api.awaitReady(Duration.ofSeconds(180));
    }

    @Test
    void theRootServesTheClientsPage() {
        Api.Reply page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"js/main.js\"></script>");
    }

    @Test
    void scriptsAndStylesHaveTheirTypes() {
        for (String module : new String[] {"main", "state", "render", "load", "turn", "chat", "api", "i18n", "realtime", "settings"}) {
            Api.Reply script = api.get("/js/" + module + ".js");
            assertThat(script.status()).as(module).isEqualTo(200);
            assertThat(script.header("Content-Type")).as(module)
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        }
        assertThat(api.get("/app.css").header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    }

    @Test
    void nothingIsLoadedFromAnotherOrigin() {
        String page = api.get("/").body();
        assertThat(page).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
        assertThat(api.get("/").header("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
    }

    @Test
    void anUnknownFileIsStillAProblem() {
        Api.Reply missing = api.get("/no-such-file.js");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }
}
