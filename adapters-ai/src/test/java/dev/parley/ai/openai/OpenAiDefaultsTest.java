package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The fault-tolerance settings of {@link OpenAiCalls} are bound to Parley's keys with the same
 * defaults as the annotations.
 */
class OpenAiDefaultsTest {
    private static final String PREFIX = OpenAiCalls.class.getName() + "/complete/";

    @Test
    void everyFaultToleranceSettingIsBoundToItsParleyKeyWithTheSameDefault() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = OpenAiCalls.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            properties.load(in);
        }

        assertThat(properties).containsExactlyInAnyOrderEntriesOf(Map.of(
                PREFIX + "Timeout/value", "${parley.ai.attempt-timeout-ms:" + OpenAiDefaults.ATTEMPT_TIMEOUT_MS + "}",
                PREFIX + "Bulkhead/value", "${parley.ai.openai.max-concurrent-calls:" + OpenAiDefaults.MAX_CONCURRENT_CALLS + "}",
                PREFIX + "Bulkhead/waitingTaskQueue", "${parley.ai.openai.max-queued-calls:" + OpenAiDefaults.MAX_QUEUED_CALLS + "}",
                PREFIX + "CircuitBreaker/requestVolumeThreshold",
                "${parley.ai.openai.breaker.request-volume:" + OpenAiDefaults.BREAKER_REQUEST_VOLUME + "}",
                PREFIX + "CircuitBreaker/failureRatio",
                "${parley.ai.openai.breaker.failure-ratio:" + OpenAiDefaults.BREAKER_FAILURE_RATIO + "}",
                PREFIX + "CircuitBreaker/delay", "${parley.ai.openai.breaker.delay-ms:" + OpenAiDefaults.BREAKER_DELAY_MS + "}"));
    }
}
