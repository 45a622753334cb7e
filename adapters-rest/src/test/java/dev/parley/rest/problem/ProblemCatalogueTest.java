package dev.parley.rest.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.application.limit.UserRateLimitedException;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.error.ValidationException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every code has its status (docs/architecture.md#error-catalogue), a stable title and a detail in English and Chinese. */
class ProblemCatalogueTest {
    private static final Map<ErrorCode, Integer> CATALOGUE_STATUS = Map.ofEntries(
            Map.entry(ErrorCode.VALIDATION_FAILED, 400), Map.entry(ErrorCode.UNAUTHENTICATED, 401),
            Map.entry(ErrorCode.INSUFFICIENT_TOKENS, 402), Map.entry(ErrorCode.CHAT_NOT_FOUND, 404),
            Map.entry(ErrorCode.REQUEST_IN_PROGRESS, 409), Map.entry(ErrorCode.IDEMPOTENCY_KEY_REUSED, 422),
            Map.entry(ErrorCode.MODERATION_BLOCKED, 422), Map.entry(ErrorCode.AI_RATE_LIMITED, 429),
            Map.entry(ErrorCode.USER_RATE_LIMITED, 429),
            Map.entry(ErrorCode.AI_BAD_RESPONSE, 502), Map.entry(ErrorCode.AI_PROVIDER_UNAVAILABLE, 503),
            Map.entry(ErrorCode.CIRCUIT_OPEN, 503), Map.entry(ErrorCode.DATABASE_UNAVAILABLE, 503),
            Map.entry(ErrorCode.AI_PROVIDER_TIMEOUT, 504), Map.entry(ErrorCode.INTERNAL_ERROR, 500));

    @Test
    void everyCodeHasItsStatusATitleAndDetailsInBothLanguages() {
        assertThat(CATALOGUE_STATUS).hasSize(ErrorCode.values().length);
        for (ErrorCode code : ErrorCode.values()) {
            Problem en = DomainProblems.of(new ParleyException(code, "x"), Locale.ENGLISH);
            Problem zh = DomainProblems.of(new ParleyException(code, "x"), Locale.CHINESE);
            assertThat(en.status()).as(code.name()).isEqualTo(CATALOGUE_STATUS.get(code));
            assertThat(en.retryable()).as(code.name()).isEqualTo(code.retryable());
            assertThat(ProblemMessages.title(code.name())).as(code.name()).isNotBlank();
            assertThat(en.detail()).as(code.name()).isNotBlank().doesNotContainPattern("\\p{IsHan}");
            assertThat(zh.detail()).as(code.name()).containsPattern("\\p{IsHan}");
        }
        for (ValidationException.Reason reason : ValidationException.Reason.values()) {
            Problem zh = DomainProblems.of(new ValidationException("content", reason, 10), Locale.CHINESE);
            assertThat(zh.detail()).as(reason.name()).contains("content").containsPattern("\\p{IsHan}");
        }
    }

    @Test
    void transportProblemsHaveTheirCodeStatusTitleAndDetailsInBothLanguages() {
        Map<Integer, String> transport = Map.of(404, "NOT_FOUND", 405, "METHOD_NOT_ALLOWED", 406, "NOT_ACCEPTABLE",
                413, "PAYLOAD_TOO_LARGE", 415, "UNSUPPORTED_MEDIA_TYPE", 429, "TOO_MANY_STREAMS");
        assertThat(TransportProblems.CODES).containsExactlyInAnyOrderElementsOf(transport.values());
        transport.forEach((status, code) -> {
            Problem en = TransportProblems.forStatus(status, Locale.ENGLISH);
            Problem zh = TransportProblems.forStatus(status, Locale.CHINESE);
            assertThat(en.code()).isEqualTo(code);
            assertThat(en.status()).isEqualTo(status);
            assertThat(ProblemMessages.title(code)).as(code).isNotBlank();
            assertThat(en.detail()).as(code).isNotBlank().doesNotContainPattern("\\p{IsHan}");
            assertThat(zh.detail()).as(code).containsPattern("\\p{IsHan}");
        });
        Problem streams = TransportProblems.forStatus(429, Locale.ENGLISH);
        assertThat(streams.retryable()).isTrue();
        assertThat(streams.retryAfterSeconds()).isEqualTo(5);
    }

    @Test
    void aUserLimitSaysWhichLimitAndHowManyInBothLanguagesWithItsWait() {
        for (UserRateLimitedException.Limit limit : UserRateLimitedException.Limit.values()) {
            UserRateLimitedException refused = new UserRateLimitedException(limit, 7, Duration.ofMillis(14_200));
            Problem en = DomainProblems.of(refused, Locale.ENGLISH);
            Problem zh = DomainProblems.of(refused, Locale.CHINESE);

            assertThat(en.code()).isEqualTo("USER_RATE_LIMITED");
            assertThat(en.status()).isEqualTo(429);
            assertThat(en.retryable()).isTrue();
            assertThat(en.retryAfterSeconds()).isEqualTo(15);
            assertThat(en.detail()).as(limit.name()).contains("7").doesNotContainPattern("\\p{IsHan}")
                    .isNotEqualTo(ProblemMessages.detail(Locale.ENGLISH, "USER_RATE_LIMITED"));
            assertThat(zh.detail()).as(limit.name()).contains("7").containsPattern("\\p{IsHan}");
            assertThat(en.extensions()).containsEntry("limit", limit.setting());
        }
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        Problem open = DomainProblems.of(new ParleyException(ErrorCode.CIRCUIT_OPEN, "x", Duration.ofMillis(1200)),
                Locale.ENGLISH);
        assertThat(open.retryAfterSeconds()).isEqualTo(2);
        Problem exact = DomainProblems.of(new ParleyException(ErrorCode.AI_RATE_LIMITED, "x", Duration.ofSeconds(3)),
                Locale.ENGLISH);
        assertThat(exact.retryAfterSeconds()).isEqualTo(3);
        Problem tiny = DomainProblems.of(new ParleyException(ErrorCode.CIRCUIT_OPEN, "x", Duration.ofMillis(1)),
                Locale.ENGLISH);
        assertThat(tiny.retryAfterSeconds()).as("never 0: a client would retry at once").isEqualTo(1);
        assertThat(DomainProblems.of(new ParleyException(ErrorCode.CHAT_NOT_FOUND, "x"), Locale.ENGLISH)
                .retryAfterSeconds()).isEqualTo(-1);
    }

    @Test
    void languagesFollowAcceptLanguageAndFallBackToEnglish() {
        assertThat(Languages.pick("zh-CN,zh;q=0.9,en;q=0.8")).isEqualTo(Locale.CHINESE);
        assertThat(Languages.pick("fr-FR, en;q=0.5")).isEqualTo(Locale.ENGLISH);
        assertThat(Languages.pick("de")).isEqualTo(Locale.ENGLISH);
        assertThat(Languages.pick(";;garbage")).isEqualTo(Locale.ENGLISH);
        assertThat(Languages.pick(null)).isEqualTo(Locale.ENGLISH);
    }
}
