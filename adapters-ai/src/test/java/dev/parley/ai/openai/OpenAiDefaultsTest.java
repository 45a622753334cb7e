package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.microprofile.faulttolerance.Asynchronous;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.junit.jupiter.api.Test;

/**
 * The fault-tolerance settings of {@link OpenAiCalls} are bound to Parley's keys with the same
 * defaults as the annotations, on the one guarded method that whole and streamed attempts share.
 */
class OpenAiDefaultsTest {

    private static Method guarded() {
        List<Method> guarded = Arrays.stream(OpenAiCalls.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(CircuitBreaker.class) || m.isAnnotationPresent(Bulkhead.class))
                .toList();
        assertThat(guarded).as("one breaker and one bulkhead: one guarded method").hasSize(1);
        return guarded.get(0);
    }

    @Test
    void oneAsynchronousMethodCarriesTheBreakerAndTheBulkheadAndNoTimeout() {
        Method call = guarded();

        assertThat(call.isAnnotationPresent(Asynchronous.class)).isTrue();
        assertThat(call.isAnnotationPresent(CircuitBreaker.class)).isTrue();
        assertThat(call.isAnnotationPresent(Bulkhead.class)).isTrue();
        assertThat(call.isAnnotationPresent(Timeout.class)).as("the attempt timeout is ProviderAttempt's").isFalse();
        assertThat(call.getParameterTypes()).containsExactly(ProviderAttempt.class);
    }

    @Test
    void everyFaultToleranceSettingIsBoundToItsParleyKeyWithTheSameDefault() throws IOException {
        String prefix = OpenAiCalls.class.getName() + "/" + guarded().getName() + "/";
        Properties properties = new Properties();
        try (InputStream in = OpenAiCalls.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            properties.load(in);
        }

        assertThat(properties).containsExactlyInAnyOrderEntriesOf(Map.of(
                prefix + "Bulkhead/value", "${parley.ai.openai.max-concurrent-calls:" + OpenAiDefaults.MAX_CONCURRENT_CALLS + "}",
                prefix + "Bulkhead/waitingTaskQueue", "${parley.ai.openai.max-queued-calls:" + OpenAiDefaults.MAX_QUEUED_CALLS + "}",
                prefix + "CircuitBreaker/requestVolumeThreshold",
                "${parley.ai.openai.breaker.request-volume:" + OpenAiDefaults.BREAKER_REQUEST_VOLUME + "}",
                prefix + "CircuitBreaker/failureRatio",
                "${parley.ai.openai.breaker.failure-ratio:" + OpenAiDefaults.BREAKER_FAILURE_RATIO + "}",
                prefix + "CircuitBreaker/delay", "${parley.ai.openai.breaker.delay-ms:" + OpenAiDefaults.BREAKER_DELAY_MS + "}"));
    }
}
