package it.dev.parley.support;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Copies of the WAR the build produced, for Arquillian to deploy beside the main application. */
public final class ParleyWar {
    private ParleyWar() {
    }

    /**
     * The built {@code parley.war} as {@code name}, under its own context root and with its own
     * application state (in-memory limits, breakers); {@code configLines} (MicroProfile Config
     * {@code key=value} lines), when given, beat the server's variables (an application config source
     * with a high ordinal).
     */
    public static WebArchive copy(String name, String... configLines) {
        WebArchive built = ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/parley.war"));
        WebArchive copy = ShrinkWrap.create(WebArchive.class, name).merge(built);
        if (configLines.length > 0) {
            copy.addAsResource(new StringAsset("config_ordinal=900\n" + String.join("\n", configLines) + "\n"),
                    "META-INF/microprofile-config.properties");
        }
        return copy;
    }
}
