package it.dev.parley.ai;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The provider of the AI adapter's ITs: a WireMock server in the test JVM, started when it is made (a
 * probe WAR's configuration needs its port before Arquillian deploys), with threads for a bulkhead's
 * worth of calls at once; as a static {@code @RegisterExtension} field it forgets its stubs and requests
 * before each test and stops after the class.
 */
final class ProviderServer extends WireMockServer implements BeforeEachCallback, AfterAllCallback {
    ProviderServer() {
        super(wireMockConfig().dynamicPort().containerThreads(30));
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        resetAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }
}
