package it.dev.parley.ai.probe;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The probe WAR's JAX-RS application (deployed by {@code OpenAiFaultToleranceIT}, never in parley.war). */
@ApplicationPath("probe")
public class ProbeApplication extends Application {
}
