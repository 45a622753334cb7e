package dev.parley.ai.openai;

import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long a provider asks us to wait: {@code retry-after-ms} (milliseconds, OpenAI's
 * extension, preferred for its precision) or {@code Retry-After} (RFC 9110: delay-seconds or an
 * HTTP-date, measured against the injected clock). Unparseable values are ignored; a date in the
 * past means "now" (zero).
 */
final class RetryAfterHeaders {
    private RetryAfterHeaders() {
    }

    static Optional<Duration> parse(HttpHeaders headers, Clock clock) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(RetryAfterHeaders::milliseconds);
        if (millis.isPresent()) {
            return millis;
        }
        return headers.firstValue("retry-after").flatMap(value -> retryAfter(value, clock));
    }

    private static Optional<Duration> milliseconds(String value) {
        try {
            BigDecimal ms = new BigDecimal(value.strip());
            if (ms.signum() < 0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(ms.movePointRight(6).longValue()));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> retryAfter(String value, Clock clock) {
        String text = value.strip();
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            ZonedDateTime date = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration until = Duration.between(clock.instant(), date.toInstant());
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
