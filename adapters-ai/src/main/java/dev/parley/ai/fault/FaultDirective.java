package dev.parley.ai.fault;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What {@code X-Debug-Force-Error: <kind>[; count=<n>][; after=<n>]} asks for: which fault, for how
 * many attempts, and for {@code stream_cut} after how many pieces a streamed attempt is cut. Without a
 * count every attempt of the request fails; with {@code count=n} the first {@code n} attempts fail and
 * the next one runs normally. {@code after=n} belongs to {@code stream_cut} alone; without it the cut
 * comes after the first piece ({@link #piecesBeforeCut()}).
 */
public record FaultDirective(FaultKind kind, OptionalInt count, OptionalInt after) {
    /** The largest count accepted. */
    public static final int MAX_COUNT = 100;
    /** The largest {@code after} accepted. */
    public static final int MAX_AFTER = 1000;
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}");

    public FaultDirective {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(after, "after");
        if (count.isPresent() && (count.getAsInt() < 1 || count.getAsInt() > MAX_COUNT)) {
            throw new InvalidFaultDirectiveException("count must be between 1 and " + MAX_COUNT + ", not " + count.getAsInt());
        }
        if (after.isPresent() && kind != FaultKind.STREAM_CUT) {
            throw afterWithout(kind);
        }
        if (after.isPresent() && (after.getAsInt() < 1 || after.getAsInt() > MAX_AFTER)) {
            throw new InvalidFaultDirectiveException("after must be between 1 and " + MAX_AFTER + ", not " + after.getAsInt());
        }
    }

    /** A directive without {@code after}. */
    public FaultDirective(FaultKind kind, OptionalInt count) {
        this(kind, count, OptionalInt.empty());
    }

    /** Every attempt fails with {@code kind}. */
    public static FaultDirective always(FaultKind kind) {
        return new FaultDirective(kind, OptionalInt.empty());
    }

    /** The first {@code count} attempts fail with {@code kind}. */
    public static FaultDirective times(FaultKind kind, int count) {
        return new FaultDirective(kind, OptionalInt.of(count));
    }

    /** How many pieces a streamed attempt delivers before {@code stream_cut} fails it: {@code after}, else 1. */
    public int piecesBeforeCut() {
        return after.orElse(1);
    }

    /**
     * Parses a header value such as {@code rate_limited; count=2} or {@code stream_cut; after=3; count=1}:
     * the kind (case ignored), then optional {@code count} and ({@code stream_cut} only) {@code after}
     * parameters, in any order, each at most once; blanks around the parts are ignored.
     *
     * @throws InvalidFaultDirectiveException for anything else, with a message saying what is wrong
     */
    public static FaultDirective parse(String header) {
        if (header == null || header.isBlank()) {
            throw new InvalidFaultDirectiveException("X-Debug-Force-Error is empty; expected <kind>[; count=<n>][; after=<n>] with kind one of "
                    + FaultKind.headerNames());
        }
        String[] parts = header.split(";", -1);
        String kindName = parts[0].strip();
        FaultKind kind = FaultKind.byHeaderName(kindName).orElseThrow(() -> new InvalidFaultDirectiveException(
                "unknown fault kind '" + shorten(kindName) + "'; expected one of " + FaultKind.headerNames()));
        String allowed = kind == FaultKind.STREAM_CUT ? "count=<n> or after=<n>" : "count=<n>";
        OptionalInt count = OptionalInt.empty();
        OptionalInt after = OptionalInt.empty();
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.isEmpty()) {
                throw new InvalidFaultDirectiveException("expected " + allowed + " after ';', not an empty parameter");
            }
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals).strip()).toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : parameter.substring(equals + 1).strip();
            switch (name) {
                case "count" -> count = once(count, name, value, MAX_COUNT);
                case "after" -> {
                    if (kind != FaultKind.STREAM_CUT) {
                        throw afterWithout(kind);
                    }
                    after = once(after, name, value, MAX_AFTER);
                }
                default -> throw new InvalidFaultDirectiveException("unknown parameter '" + shorten(name) + "'; only "
                        + allowed + " is allowed");
            }
        }
        return new FaultDirective(kind, count, after);
    }

    /** The header form: {@code timeout}, {@code timeout; count=2} or {@code stream_cut; count=1; after=3}. */
    @Override
    public String toString() {
        return kind.headerName() + (count.isPresent() ? "; count=" + count.getAsInt() : "")
                + (after.isPresent() ? "; after=" + after.getAsInt() : "");
    }

    private static OptionalInt once(OptionalInt given, String name, String value, int max) {
        if (given.isPresent()) {
            throw new InvalidFaultDirectiveException(name + "=<n> may be given at most once");
        }
        if (!NUMBER.matcher(value).matches()) {
            throw new InvalidFaultDirectiveException(name + " must be a whole number between 1 and " + max
                    + ", not '" + shorten(value) + "'");
        }
        return OptionalInt.of(Integer.parseInt(value));
    }

    private static InvalidFaultDirectiveException afterWithout(FaultKind kind) {
        return new InvalidFaultDirectiveException("after=<n> applies to stream_cut only, not to " + kind.headerName());
    }

    private static String shorten(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
    }
}
