package dev.parley.rest.problem;

import java.util.List;
import java.util.Locale;

/** The languages error details are written in: English (default) and Chinese. */
public final class Languages {
    private static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.CHINESE);

    private Languages() {
    }

    /**
     * The best supported language for an {@code Accept-Language} header ({@code zh-CN,zh;q=0.9,en;q=0.8}
     * → Chinese); English when the header is missing, malformed or names nothing we support.
     */
    public static Locale pick(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return Locale.ENGLISH;
        }
        try {
            List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(acceptLanguage);
            Locale match = Locale.lookup(ranges, SUPPORTED);
            return match != null ? match : Locale.ENGLISH;
        } catch (IllegalArgumentException malformed) {
            return Locale.ENGLISH;
        }
    }
}
