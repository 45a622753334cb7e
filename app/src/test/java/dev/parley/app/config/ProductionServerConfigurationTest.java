package dev.parley.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.ai.fault.FaultInjection;
import dev.parley.domain.breaker.BreakerConfig;
import dev.parley.domain.retry.RetryPolicy;
import dev.parley.rest.security.AuthenticationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a user can build and deploy has the production settings; the test settings reach the
 * integration-test server only. Reads the configuration every non-test server is made of: the root
 * {@code server.xml}, the run command's drop-in and every server file the liberty-maven-plugin
 * generates from {@code liberty.*} properties of {@code app/pom.xml} (any profile), and the
 * MicroProfile Config files in the WAR; then checks where the test drop-in is used.
 *
 * <p>"An environment variable can still change every setting" follows from Liberty's and MicroProfile
 * Config's precedence: a {@code <variable defaultValue=...>} and a {@code @ConfigProperty} default both
 * lose to an environment variable, a {@code <variable value=...>} beats it. So no production file may
 * give a variable a {@code value}.
 */
class ProductionServerConfigurationTest {
    private static final Path APP = Path.of("").toAbsolutePath();
    private static final Path SERVER_XML = APP.resolveSibling("server.xml");
    private static final Path RUN_DROP_IN = APP.resolve("src/run/liberty/config/configDropins/overrides/parley-run.xml");
    private static final Path IT_DROP_IN = APP.resolve("src/it/liberty/config/configDropins/overrides/parley-it.xml");
    private static final String IT_CONFIG_DIRECTORY = "${project.build.directory}/liberty-config/it";

    /** Settings only a test server may set: debug faults and timings (production has the code's defaults). */
    private static final Pattern TEST_SETTING = Pattern.compile("parley\\.(debug|retry|breaker|events|limits)\\..*");
    /** The integration-test server's ports, which the build used to give every server. */
    private static final Pattern TEST_PORT = Pattern.compile("parley\\.http\\.port|parley\\.db\\.embedded-port");

    @Test
    void serverXmlHasNoTestOnlyFeature() {
        assertThat(texts(parse(SERVER_XML), "feature")).isNotEmpty()
                .noneMatch(f -> f.toLowerCase().contains("connector"));
    }

    @Test
    void productionFilesOnlyDefaultVariablesSoTheEnvironmentWins() {
        for (Path file : List.of(SERVER_XML, RUN_DROP_IN)) {
            List<Element> variables = elements(parse(file), "variable");
            assertThat(variables).as(file.toString()).isNotEmpty().allSatisfy(v -> {
                assertThat(v.hasAttribute("value")).as(file + ": " + v.getAttribute("name") + " has a value").isFalse();
                assertThat(v.getAttribute("defaultValue")).as(file + ": " + v.getAttribute("name")).isNotNull();
                assertThat(v.getAttribute("name")).as(file.toString()).doesNotMatch(TEST_SETTING);
            });
        }
        assertThat(elements(parse(RUN_DROP_IN), "featureManager")).as("features of the run drop-in").isEmpty();
    }

    @Test
    void theBuildGivesNoServerATestSetting() {
        Document pom = parse(APP.resolve("pom.xml"));
        Map<String, String> libertyProperties = new HashMap<>();
        for (Element properties : elements(pom, "properties")) {
            for (Element property : children(properties)) {
                if (property.getTagName().startsWith("liberty.")) {
                    libertyProperties.put(property.getTagName(), property.getTextContent().trim());
                }
            }
        }

        assertThat(libertyProperties.keySet()).allSatisfy(name -> assertThat(name.replaceFirst("^liberty\\.\\w+\\.", ""))
                .as(name).doesNotMatch(TEST_SETTING).doesNotMatch(TEST_PORT));
        // the one value (not a default) the build writes: where this build put the JDBC library, not a setting
        assertThat(libertyProperties.keySet()).filteredOn(name -> name.startsWith("liberty.var."))
                .isSubsetOf("liberty.var.parley.db.jdbc-library-dir");
        assertThat(texts(pom, "activeByDefault")).as("no profile is active by default").doesNotContain("true");
        assertThat(texts(pom, "param")).as("jvmOptions").noneMatch(p -> p.startsWith("-Dparley."));
        // the plugin copies its default configDirectory into every server it creates
        assertThat(APP.resolve("src/main/liberty")).doesNotExist();
    }

    @Test
    void onlyTheIntegrationTestServerGetsTheTestDropIn() {
        Document pom = parse(APP.resolve("pom.xml"));
        List<Element> uses = elements(pom, "configDirectory").stream()
                .filter(e -> e.getTextContent().trim().equals(IT_CONFIG_DIRECTORY)).toList();

        assertThat(uses).hasSize(1);
        Element execution = ancestor(uses.get(0), "execution");
        assertThat(execution).as("the test drop-in belongs to one execution, not to the plugin").isNotNull();
        assertThat(text(execution, "phase")).isEqualTo("pre-integration-test");
        assertThat(text(execution, "id")).isEqualTo("start-it-server");
        assertThat(ancestor(execution, "profile")).as("an execution of the default build, not of a profile").isNull();
        assertThat(text(execution, "serverName")).isEqualTo("${parley.it.server.name}");
        assertThat(texts(pom, "serverName")).filteredOn(n -> n.equals("${parley.it.server.name}")).hasSize(2); // start, stop
    }

    @Test
    void theTestDropInHoldsTheTestSettings() {
        Document dropIn = parse(IT_DROP_IN);
        assertThat(texts(dropIn, "feature")).containsExactly("localConnector-1.0");
        assertThat(elements(dropIn, "variable").stream().map(v -> v.getAttribute("name")))
                .contains("parley.debug.force-error.enabled", "parley.retry.backoff-base-ms",
                        "parley.retry.deadline-ms", "parley.breaker.open-duration-ms", "parley.http.port",
                        "parley.auth.dev-login.enabled")
                .noneMatch(name -> name.startsWith("parley.limits."));
        // the raised per-user limits are the main application's own, so copies of the WAR get the defaults
        List<Element> applications = elements(dropIn, "webApplication");
        assertThat(applications).singleElement().satisfies(app -> assertThat(app.getAttribute("id")).isEqualTo("parley"));
        assertThat(elements(dropIn, "property").stream().map(p -> p.getAttribute("name")))
                .containsExactlyInAnyOrder("parley.limits.user.in-flight", "parley.limits.user.sends-per-minute",
                        "parley.limits.user.event-streams");
        assertThat(elements(parse(SERVER_XML), "appProperties")).as("production sets no per-application value").isEmpty();
        assertThat(elements(parse(SERVER_XML), "webApplication")).extracting(e -> e.getAttribute("id")).containsExactly("parley");
    }

    @Test
    void withoutTheTestDropInTheUserLimitsAreTheDefaults() {
        assertThat(configDefault(UserLimitSettings.class, "in-flight")).isEqualTo("4");
        assertThat(configDefault(UserLimitSettings.class, "sends-per-minute")).isEqualTo("30");
        assertThat(configDefault(UserLimitSettings.class, "event-streams")).isEqualTo("10");
    }

    /**
     * OpenTelemetry comes with the feature but stays off: Liberty reads {@code otel.sdk.disabled}
     * (default true) only from system properties and the environment, i.e. bootstrap.properties,
     * jvm.options, server.env or the process environment. No production file sets any otel.* key;
     * only the integration-test server's configuration directory has a bootstrap.properties.
     */
    @Test
    void openTelemetryIsAvailableButOffUnlessTheOperatorTurnsItOn() throws IOException {
        assertThat(texts(parse(SERVER_XML), "feature")).contains("mpTelemetry-2.0");
        Element classloader = elements(parse(SERVER_XML), "classloader").get(0);
        assertThat(classloader.getAttribute("apiTypeVisibility")).as("the OpenTelemetry API is third-party")
                .isEqualTo("+third-party");
        assertThat(classloader.getAttribute("commonLibraryRef")).as("Hibernate in lib/global").isEqualTo("global");
        for (Path file : List.of(SERVER_XML, RUN_DROP_IN)) {
            assertThat(elements(parse(file), "variable")).extracting(v -> v.getAttribute("name").toLowerCase())
                    .as(file + ": no otel.* setting").noneMatch(name -> name.startsWith("otel"));
        }
        assertThat(Files.readString(RUN_DROP_IN)).doesNotContainIgnoringCase("otel");
        for (String file : List.of("bootstrap.properties", "jvm.options", "server.env")) {
            assertThat(APP.resolve("src/run/liberty/config").resolve(file)).doesNotExist();
            assertThat(APP.resolveSibling(file)).doesNotExist();
        }
        Document pom = parse(APP.resolve("pom.xml"));
        assertThat(texts(pom, "param")).as("jvmOptions").noneMatch(p -> p.toLowerCase().contains("otel"));
        for (Element properties : elements(pom, "properties")) {
            assertThat(children(properties)).extracting(Element::getTagName)
                    .noneMatch(name -> name.startsWith("liberty.bootstrap.") || name.startsWith("liberty.env."));
        }
        Properties it = new Properties();
        try (InputStream in = Files.newInputStream(APP.resolve("src/it/liberty/config/bootstrap.properties"))) {
            it.load(in);
        }
        assertThat(it.getProperty("otel.sdk.disabled")).as("the IT server turns it on").isEqualTo("false");
    }

    @Test
    void logsArePlainAndTheAccessLogIsOffByDefault() {
        Map<String, String> defaults = new HashMap<>();
        elements(parse(SERVER_XML), "variable").forEach(v -> defaults.put(v.getAttribute("name"), v.getAttribute("defaultValue")));
        assertThat(defaults).containsEntry("parley.log.format", "simple").containsEntry("parley.http.access-log", "false");
        Element logging = elements(parse(SERVER_XML), "logging").get(0);
        assertThat(logging.getAttribute("messageFormat")).isEqualTo("${parley.log.format}");
        assertThat(logging.getAttribute("consoleFormat")).isEqualTo("${parley.log.format}");
        assertThat(elements(parse(SERVER_XML), "httpAccessLogging").get(0).getAttribute("enabled"))
                .isEqualTo("${parley.http.access-log}");
    }

    @Test
    void withoutTheTestDropInDebugIsOffAndTheTimingsAreTheDefaults() throws Exception {
        assertThat(configDefault(FaultInjection.class, "parley.debug.force-error.enabled")).isEqualTo("false");
        assertThat(configDefault(ResilienceSettings.class, "retry.backoff-base-ms")).isEqualTo("1000");
        // the development sign-in is off unless a drop-in or the environment turns it on
        assertThat(configDefault(AuthenticationSettings.class, "parley.auth.dev-login.enabled")).isEqualTo("false");
        assertThat(elements(parse(SERVER_XML), "variable")).extracting(v -> v.getAttribute("name"))
                .doesNotContain("parley.auth.dev-login.enabled");
        assertThat(configDefault(ResilienceSettings.class, "retry.deadline-ms")).isEqualTo("25000");
        assertThat(configDefault(ResilienceSettings.class, "breaker.open-duration-ms")).isEqualTo("30000");
        assertThat(List.of(1, 2, 3)).map(RetryPolicy.DEFAULTS::backoff)
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(RetryPolicy.DEFAULTS.deadline()).isEqualTo(Duration.ofSeconds(25));
        assertThat(BreakerConfig.DEFAULTS.openDuration()).isEqualTo(Duration.ofSeconds(30));

        // and nothing in the WAR's MicroProfile Config files sets a parley.* key
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/microprofile-config.properties"))) {
            Properties properties = new Properties();
            try (InputStream in = url.openStream()) {
                properties.load(in);
            }
            assertThat(properties.stringPropertyNames()).as(url.toString()).noneMatch(k -> k.startsWith("parley."));
        }
    }

    private static String configDefault(Class<?> type, String name) {
        for (Field field : type.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property != null && property.name().equals(name)) {
                return property.defaultValue();
            }
        }
        throw new AssertionError("no @ConfigProperty " + name + " in " + type);
    }

    private static Document parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setExpandEntityReferences(false);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + file, e);
        }
    }

    private static List<Element> elements(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        List<Element> result = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            result.add((Element) nodes.item(i));
        }
        return result;
    }

    private static List<String> texts(Document document, String tag) {
        return elements(document, tag).stream().map(e -> e.getTextContent().trim()).toList();
    }

    private static List<Element> children(Element parent) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                result.add(e);
            }
        }
        return result;
    }

    /** The text of a direct or nested child, the first one found. */
    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static Element ancestor(Element element, String tag) {
        for (Node n = element.getParentNode(); n instanceof Element e; n = n.getParentNode()) {
            if (e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }
}
