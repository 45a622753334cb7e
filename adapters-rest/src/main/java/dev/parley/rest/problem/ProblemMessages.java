package dev.parley.rest.problem;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The texts of error responses from {@code problems.properties} (English, also the stable titles)
 * and {@code problems_zh.properties} (Chinese details). Never falls back to the JVM's default
 * locale: English is the fallback.
 */
public final class ProblemMessages {
    private static final String BUNDLE = "dev.parley.rest.problem.problems";
    private static final ResourceBundle.Control NO_JVM_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private ProblemMessages() {
    }

    /** The stable English title of a code. */
    public static String title(String code) {
        return text(Locale.ROOT, "title." + code);
    }

    /** The localized detail for {@code key} (under {@code detail.}), formatted with {@code args}. */
    public static String detail(Locale locale, String key, Object... args) {
        String pattern = text(locale, "detail." + key);
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }

    private static String text(Locale locale, String key) {
        try {
            return bundle(locale).getString(key);
        } catch (MissingResourceException e) {
            return bundle(Locale.ROOT).getString(key);
        }
    }

    private static ResourceBundle bundle(Locale locale) {
        return ResourceBundle.getBundle(BUNDLE, locale, ProblemMessages.class.getClassLoader(), NO_JVM_FALLBACK);
    }
}
