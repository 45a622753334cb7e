package it.dev.parley.ai;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.parley.support.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.Test;

/**
 * {@code parley.ai.provider=openai} without an endpoint stops the application at startup (Liberty:
 * {@code CWWKZ0012I ... was not started}), and the server log says which settings are missing.
 *
 * <p>Not an Arquillian test: Arquillian only reports a failed deployment after its whole deploy
 * timeout (minutes). The test puts the WAR into the IT server's {@code apps} folder with a
 * configuration drop-in that declares it as the real application is declared (the OpenTelemetry API
 * visible: {@code apiTypeVisibility="+third-party"}), and polls the log, with a deadline, for the
 * application's failure.
 */
class OpenAiStartupCheckIT {
    private static final String APP = "parley-ai-misconfigured";

    @Test
    void theApplicationFailsToStartNamingTheMissingSettings() throws IOException {
        Path server = Path.of(System.getProperty("parley.it.server-dir"));
        Path log = server.resolve("logs").resolve("messages.log");
        Path war = server.resolve("apps").resolve(APP + ".war");
        Path config = server.resolve("configDropins").resolve("overrides").resolve(APP + ".xml");
        long logLengthBefore = Files.size(log);
        AiArchives.probeWar(APP + ".war", "parley.ai.provider=openai").as(ZipExporter.class).exportTo(war.toFile(), true);
        Files.writeString(config, "<server><webApplication id=\"" + APP + "\" location=\"" + APP + ".war\">"
                + "<classloader apiTypeVisibility=\"+third-party\" commonLibraryRef=\"global\"/></webApplication></server>\n");
        try {
            String failure = Poll.until(Duration.ofMinutes(2), () -> newLog(log, logLengthBefore),
                    text -> text.contains("CWWKZ0012I: The application " + APP + " was not started"), "the application failing to start");

            assertThat(failure).contains("parley.ai.provider=openai cannot start: parley.ai.openai.base-url is not set")
                    .contains("parley.ai.openai.model is not set");
        } finally {
            Files.deleteIfExists(config);
            Files.deleteIfExists(war);
        }
    }

    private static String newLog(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
