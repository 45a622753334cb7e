package dev.parley.ai.fault;

import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.ai.testing.RecordedEvents;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.telemetry.TelemetryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultInjectionTest {
    private static final String REQUEST = "req-7";

    private final RecordedEvents telemetry = new RecordedEvents();
    private final ChatId chat = new ChatId(UUID.randomUUID());
    private final CountingProvider provider = new CountingProvider();

    /**
     * The real provider stand-in: answers every attempt and counts them; a streamed attempt sends its
     * {@code pieces}, then completes with them as the reply (or fails with {@code failure}, if set).
     */
    private static final class CountingProvider implements ReplyGenerator {
        final AtomicInteger calls = new AtomicInteger();
        List<String> pieces = List.of("real ", "reply");
        ParleyException failure;

        @Override
        public CompletionStage<GeneratedReply> generate(GenerationRequest request) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(new GeneratedReply("real reply", "m"));
        }

        @Override
        public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas) {
            calls.incrementAndGet();
            pieces.forEach(deltas::delta);
            return failure != null ? CompletableFuture.failedFuture(failure)
                    : CompletableFuture.completedFuture(new GeneratedReply(String.join("", pieces), "m"));
        }
    }

    private final List<String> deltas = new CopyOnWriteArrayList<>();

    private FaultInjection enabled() {
        return new FaultInjection(true, ChaosMode.off(), telemetry);
    }

    private GenerationRequest request() {
        return aRequest().inChat(chat).forRequest(REQUEST).asking("a private question");
    }

    /** Runs {@code n} attempts; each outcome is "ok" or the failure's code. */
    private static List<String> attempts(ReplyGenerator generator, GenerationRequest request, int n) {
        return outcomes(generator::generate, request, n);
    }

    /** Runs {@code n} streamed attempts (their deltas to {@link #deltas}); each outcome is "ok" or the failure's code. */
    private List<String> streamedAttempts(ReplyGenerator generator, GenerationRequest request, int n) {
        return outcomes(r -> generator.stream(r, deltas::add), request, n);
    }

    private static List<String> outcomes(Function<GenerationRequest, CompletionStage<GeneratedReply>> attempt,
            GenerationRequest request, int n) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                attempt.apply(request).toCompletableFuture().get();
                outcomes.add("ok");
            } catch (ExecutionException e) {
                outcomes.add(((ParleyException) e.getCause()).code().name());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return outcomes;
    }

    private static ParleyException failure(CompletionStage<GeneratedReply> stage) {
        try {
            stage.toCompletableFuture().get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return (ParleyException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"timeout,AI_PROVIDER_TIMEOUT", "unavailable,AI_PROVIDER_UNAVAILABLE", "rate_limited,AI_RATE_LIMITED",
            "bad_response,AI_BAD_RESPONSE"})
    void eachKindFailsTheAttemptWithItsCodeWithoutCallingTheProvider(String kind, ErrorCode code) {
        FaultInjection faults = enabled();
        ReplyGenerator generator = faults.decorate(provider);
        faults.armFromHeader(chat, REQUEST, kind);

        ParleyException e = failure(generator.generate(request()));

        assertThat(e.code()).isEqualTo(code);
        assertThat(provider.calls).hasValue(0);
        assertThat(telemetry.named("debug_fault_injected")).singleElement().satisfies(event -> {
            assertThat(event.requestId()).contains(REQUEST);
            assertThat(event.chat()).contains(chat);
            assertThat(event.field("kind")).contains(kind);
            assertThat(event.field("code")).contains(code);
            assertThat(event.field("source")).contains("header");
            assertThat(event.toString()).doesNotContain(chat.toString(), "a private question");
        });
    }

    @Test
    void rateLimitedCarriesAOneSecondHint() {
        FaultInjection faults = enabled();
        faults.arm(chat, REQUEST, FaultDirective.always(FaultKind.RATE_LIMITED));

        assertThat(failure(faults.decorate(provider).generate(request())).retryAfter()).contains(Duration.ofSeconds(1));
    }

    @Test
    void withoutACountEveryAttemptFails() {
        FaultInjection faults = enabled();
        faults.armFromHeader(chat, REQUEST, "unavailable");

        assertThat(attempts(faults.decorate(provider), request(), 5)).containsOnly("AI_PROVIDER_UNAVAILABLE").hasSize(5);
        assertThat(provider.calls).hasValue(0);
        assertThat(telemetry.named("debug_fault_injected")).hasSize(5);
    }

    @Test
    void withACountTheFirstNAttemptsFailAndTheNextSucceeds() {
        FaultInjection faults = enabled();
        faults.armFromHeader(chat, REQUEST, "timeout; count=2");

        assertThat(attempts(faults.decorate(provider), request(), 4))
                .containsExactly("AI_PROVIDER_TIMEOUT", "AI_PROVIDER_TIMEOUT", "ok", "ok");
        assertThat(provider.calls).hasValue(2);
        assertThat(telemetry.named("debug_fault_injected")).hasSize(2);
        assertThat(telemetry.named("debug_fault_injected").get(1).field("attempt")).contains(2);
    }

    @Test
    void aPlanOnlyAffectsItsChatAndEndsWhenDisarmed() {
        FaultInjection faults = enabled();
        ReplyGenerator generator = faults.decorate(provider);
        faults.armFromHeader(chat, REQUEST, "bad_response");

        assertThat(attempts(generator, aRequest().asking("another chat"), 1)).containsExactly("ok");
        faults.disarm(chat);
        assertThat(attempts(generator, request(), 1)).containsExactly("ok");
    }

    @Test
    void theDatabaseKindIsNotTheAiAdaptersToInject() {
        FaultInjection faults = enabled();

        assertThat(faults.armFromHeader(chat, REQUEST, "database")).contains(FaultDirective.always(FaultKind.DATABASE));
        assertThat(attempts(faults.decorate(provider), request(), 1)).containsExactly("ok");
        assertThat(telemetry.named("debug_fault_injected")).isEmpty();
    }

    @Test
    void whenDisabledTheHeaderIsIgnoredAndReportedOncePerRequest() {
        FaultInjection faults = new FaultInjection(false, ChaosMode.off(), telemetry);
        ReplyGenerator generator = faults.decorate(provider);

        assertThat(generator).isSameAs(provider);
        assertThat(faults.armFromHeader(chat, REQUEST, "timeout")).isEmpty();
        assertThat(faults.armFromHeader(chat, REQUEST, "not even valid")).isEmpty();
        assertThat(faults.arm(chat, REQUEST, FaultDirective.always(FaultKind.TIMEOUT))).isFalse();

        assertThat(attempts(generator, request(), 2)).containsExactly("ok", "ok");
        assertThat(telemetry.named("debug_header_ignored")).hasSize(3).allSatisfy(event -> {
            assertThat(event.chat()).contains(chat);
            assertThat(event.requestId()).contains(REQUEST);
        });
        assertThat(telemetry.named("debug_fault_injected")).isEmpty();
    }

    @Test
    void whenEnabledGarbageIsRefusedWithAClearError() {
        assertThatThrownBy(() -> enabled().armFromHeader(chat, REQUEST, "explode; count=2"))
                .isInstanceOf(InvalidFaultDirectiveException.class).hasMessageContaining("unknown fault kind 'explode'");
    }

    @Test
    void chaosModeInjectsAtItsRateWithASeededRandom() {
        FaultInjection faults = new FaultInjection(true,
                new ChaosMode(Map.of(FaultKind.UNAVAILABLE, 0.25), new SplittableRandom(2024)), telemetry);

        List<String> outcomes = attempts(faults.decorate(provider), request(), 2_000);

        long failed = outcomes.stream().filter("AI_PROVIDER_UNAVAILABLE"::equals).count();
        assertThat(failed).isBetween(420L, 580L);
        assertThat(provider.calls.get()).isEqualTo(2_000 - (int) failed);
        assertThat(telemetry.named("debug_fault_injected")).hasSize((int) failed)
                .allSatisfy(event -> assertThat(event.field("source")).contains("chaos"));
    }

    @Test
    void chaosModeIsOffWhenDebugIsDisabled() {
        FaultInjection faults = new FaultInjection(false,
                new ChaosMode(Map.of(FaultKind.UNAVAILABLE, 1.0), new SplittableRandom(1)), telemetry);

        assertThat(attempts(faults.decorate(provider), request(), 3)).containsExactly("ok", "ok", "ok");
    }

    @Test
    void aHeaderPlanGoesBeforeChaos() {
        FaultInjection faults = new FaultInjection(true,
                new ChaosMode(Map.of(FaultKind.UNAVAILABLE, 1.0), new SplittableRandom(1)), telemetry);
        faults.armFromHeader(chat, REQUEST, "rate_limited; count=1");

        assertThat(attempts(faults.decorate(provider), request(), 2))
                .containsExactly("AI_RATE_LIMITED", "AI_PROVIDER_UNAVAILABLE");
        assertThat(Optional.of(faults.enabled())).contains(true);
    }

    @ParameterizedTest
    @CsvSource({"timeout,AI_PROVIDER_TIMEOUT", "unavailable,AI_PROVIDER_UNAVAILABLE", "rate_limited,AI_RATE_LIMITED",
            "bad_response,AI_BAD_RESPONSE"})
    void aStreamedAttemptFailsAtOnceWithTheKindsCodeToo(String kind, ErrorCode code) {
        FaultInjection faults = enabled();
        faults.armFromHeader(chat, REQUEST, kind + "; count=1");

        assertThat(streamedAttempts(faults.decorate(provider), request(), 2)).containsExactly(code.name(), "ok");
        assertThat(provider.calls).hasValue(1);
        assertThat(deltas).containsExactly("real ", "reply");
        assertThat(telemetry.named("debug_fault_injected")).singleElement()
                .satisfies(event -> assertThat(event.field("kind")).contains(kind));
    }

    @Test
    void chaosModeInjectsIntoStreamedAttemptsToo() {
        FaultInjection faults = new FaultInjection(true,
                new ChaosMode(Map.of(FaultKind.TIMEOUT, 1.0), new SplittableRandom(3)), telemetry);

        assertThat(streamedAttempts(faults.decorate(provider), request(), 3)).containsOnly("AI_PROVIDER_TIMEOUT").hasSize(3);
        assertThat(provider.calls).hasValue(0);
        assertThat(deltas).isEmpty();
    }

    @Test
    void chaosStreamCutsPassOneToEightPiecesOfAStreamAndFailAWholeAttemptAtOnce() {
        provider.pieces = List.of("1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ", "8 ", "9 ", "10");
        FaultInjection faults = new FaultInjection(true,
                new ChaosMode(Map.of(FaultKind.STREAM_CUT, 1.0), new SplittableRandom(11)), telemetry);
        ReplyGenerator decorated = faults.decorate(provider);

        Set<Integer> passed = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            deltas.clear();
            assertThat(failure(decorated.stream(request(), deltas::add)).code())
                    .isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
            passed.add(deltas.size());
        }
        assertThat(passed).as("pieces let through before the cut").containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(telemetry.named("debug_fault_injected")).hasSize(200).allSatisfy(event -> {
            assertThat(event.field("kind")).contains("stream_cut");
            assertThat(event.field("source")).contains("chaos");
        });
        assertThat(failure(decorated.generate(request())).code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
    }

    @Test
    void aStreamCutPassesTheProvidersFirstPiecesThenFailsAsUnavailable() {
        FaultInjection faults = enabled();
        provider.pieces = List.of("one ", "two ", "three ", "four");
        faults.armFromHeader(chat, REQUEST, "stream_cut; after=2");

        ParleyException cut = failure(faults.decorate(provider).stream(request(), deltas::add));

        assertThat(cut.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(deltas).containsExactly("one ", "two ");
        assertThat(provider.calls).hasValue(1);
        assertThat(telemetry.named("debug_fault_injected")).singleElement().satisfies(event -> {
            assertThat(event.field("kind")).contains("stream_cut");
            assertThat(event.field("code")).contains(ErrorCode.AI_PROVIDER_UNAVAILABLE);
            assertThat(event.field("after")).contains(2);
            assertThat(event.field("attempt")).contains(1);
        });
    }

    @Test
    void withoutAfterAStreamIsCutAfterItsFirstPieceAndACountLetsTheNextAttemptThrough() {
        FaultInjection faults = enabled();
        faults.armFromHeader(chat, REQUEST, "stream_cut; count=1");

        assertThat(streamedAttempts(faults.decorate(provider), request(), 2)).containsExactly("AI_PROVIDER_UNAVAILABLE", "ok");
        assertThat(deltas).containsExactly("real ", "real ", "reply");
    }

    @Test
    void aStreamThatEndsBeforeTheCutStillFailsAtItsEnd() {
        FaultInjection faults = enabled();
        provider.pieces = List.of("short ", "answer");
        faults.armFromHeader(chat, REQUEST, "stream_cut; after=5");

        assertThat(failure(faults.decorate(provider).stream(request(), deltas::add)).code())
                .isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(deltas).containsExactly("short ", "answer");
        assertThat(telemetry.named("debug_fault_injected")).singleElement()
                .satisfies(event -> assertThat(event.field("after")).contains(5));
    }

    @Test
    void aProviderFailureBeforeTheCutStandsAndNothingIsInjected() {
        FaultInjection faults = enabled();
        provider.pieces = List.of("half");
        provider.failure = new ParleyException(ErrorCode.AI_RATE_LIMITED, "429", Duration.ofSeconds(2));
        faults.armFromHeader(chat, REQUEST, "stream_cut; after=3");

        assertThat(failure(faults.decorate(provider).stream(request(), deltas::add))).isSameAs(provider.failure);
        assertThat(telemetry.named("debug_fault_injected")).isEmpty();
    }

    @Test
    void aWholeAttemptUnderAStreamCutFailsAtOnce() {
        FaultInjection faults = enabled();
        faults.armFromHeader(chat, REQUEST, "stream_cut; after=2");

        assertThat(attempts(faults.decorate(provider), request(), 1)).containsExactly("AI_PROVIDER_UNAVAILABLE");
        assertThat(provider.calls).hasValue(0);
        assertThat(telemetry.named("debug_fault_injected")).singleElement()
                .satisfies(event -> assertThat(event.field("kind")).contains("stream_cut"));
    }
}
