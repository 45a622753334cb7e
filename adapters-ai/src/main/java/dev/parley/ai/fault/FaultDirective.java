package dev.parley.ai.fault;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What {@code X-Debug-Force-Error: <kind>[; count=<n>]} asks for: which fault, and for how many
 * attempts. Without a count every attempt of the request fails; with {@code count=n} the first
 * {@code n} attempts fail and the next one runs normally.
 */
public record FaultDirective(FaultKind kind, OptionalInt count) {
    /** The largest count accepted. */
    public static final int MAX_COUNT = 100;
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");

    public FaultDirective {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(count, "count");
        if (count.isPresent() && (count.getAsInt() < 1 || count.getAsInt() > MAX_COUNT)) {
            throw new InvalidFaultDirectiveException("count must be between 1 and " + MAX_COUNT + ", not " + count.getAsInt());
        }
    }

    /** Every attempt fails with {@code kind}. */
    public static FaultDirective always(FaultKind kind) {
        return new FaultDirective(kind, OptionalInt.empty());
    }

    /** The first {@code count} attempts fail with {@code kind}. */
    public static FaultDirective times(FaultKind kind, int count) {
        return new FaultDirective(kind, OptionalInt.of(count));
    }

    /**
     * Parses a header value such as {@code rate_limited; count=2}: the kind (case ignored) and an
     * optional {@code count} parameter; blanks around the parts are ignored.
     *
     * @throws InvalidFaultDirectiveException for anything else, with a message saying what is wrong
     */
    public static FaultDirective parse(String header) {
        if (header == null || header.isBlank()) {
            throw new InvalidFaultDirectiveException("X-Debug-Force-Error is empty; expected <kind>[; count=<n>] with kind one of "
                    + FaultKind.headerNames());
        }
        String[] parts = header.split(";", -1);
        String kindName = parts[0].strip();
        FaultKind kind = FaultKind.byHeaderName(kindName).orElseThrow(() -> new InvalidFaultDirectiveException(
                "unknown fault kind '" + shorten(kindName) + "'; expected one of " + FaultKind.headerNames()));
        if (parts.length == 1) {
            return always(kind);
        }
        if (parts.length > 2) {
            throw new InvalidFaultDirectiveException("expected at most one parameter (count=<n>) after the kind");
        }
        String parameter = parts[1].strip();
        int equals = parameter.indexOf('=');
        String name = equals < 0 ? parameter : parameter.substring(0, equals).strip();
        if (!"count".equals(name.toLowerCase(Locale.ROOT))) {
            throw new InvalidFaultDirectiveException("unknown parameter '" + shorten(name) + "'; only count=<n> is allowed");
        }
        String value = equals < 0 ? "" : parameter.substring(equals + 1).strip();
        if (!COUNT.matcher(value).matches()) {
            throw new InvalidFaultDirectiveException("count must be a whole number between 1 and " + MAX_COUNT
                    + ", not '" + shorten(value) + "'");
        }
        return new FaultDirective(kind, OptionalInt.of(Integer.parseInt(value)));
    }

    /** The header form: {@code timeout} or {@code timeout; count=2}. */
    @Override
    public String toString() {
        return kind.headerName() + (count.isPresent() ? "; count=" + count.getAsInt() : "");
    }

    private static String shorten(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
    }
}
