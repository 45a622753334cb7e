package it.dev.parley.ai;

import it.dev.parley.ai.probe.ProbeApplication;
import it.dev.parley.ai.probe.ProbeResource;
import it.dev.parley.ai.probe.ProbeTelemetry;
import java.io.File;
import java.util.Arrays;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The small WARs of the AI adapter's integration tests. */
final class AiArchives {
    private AiArchives() {
    }

    /**
     * {@code lines} and guards small enough to fill: two calls at once and one waiting, and a
     * provider-wide breaker that opens after four failures in a row and stays open {@code breakerDelayMs}.
     */
    static String[] withSmallGuards(long breakerDelayMs, String... lines) {
        return Stream.concat(Arrays.stream(lines), Stream.of(
                "parley.ai.openai.max-concurrent-calls=2",
                "parley.ai.openai.max-queued-calls=1",
                "parley.ai.openai.breaker.request-volume=4",
                "parley.ai.openai.breaker.failure-ratio=1.0",
                "parley.ai.openai.breaker.delay-ms=" + breakerDelayMs)).toArray(String[]::new);
    }

    /**
     * A WAR with the {@code adapters-ai}, {@code adapters-telemetry} and {@code domain} jars exactly as
     * packaged in the built {@code parley.war}, the probe resource and its telemetry writer, and the
     * given MicroProfile Config lines.
     */
    static WebArchive probeWar(String name, String... configLines) {
        WebArchive built = ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/parley.war"));
        WebArchive probe = ShrinkWrap.create(WebArchive.class, name)
                .addClasses(ProbeApplication.class, ProbeResource.class, ProbeTelemetry.class)
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\""
                        + " bean-discovery-mode=\"annotated\"/>"), "beans.xml")
                .addAsResource(new StringAsset("config_ordinal=200\n" + String.join("\n", configLines) + "\n"),
                        "META-INF/microprofile-config.properties");
        for (ArchivePath jar : built.getContent(Filters.include("/WEB-INF/lib/parley-(domain|adapters-ai|adapters-telemetry)-.*\\.jar")).keySet()) {
            probe.add(built.get(jar).getAsset(), jar);
        }
        return probe;
    }
}
