package dev.parley.application.moderation;

import dev.parley.domain.moderation.Moderation;
import dev.parley.domain.moderation.ModerationVerdict;
import dev.parley.domain.text.TextPolicy;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The built-in moderation gate: a small rule set of patterns per category, matched on a normalized
 * copy of the text (format characters such as zero-width spaces and joiners dropped, case-folded,
 * accents and full-width forms folded, runs of white space collapsed), so case, spacing and
 * invisible-character tricks do not slip through. Deliberately conservative:
 * it blocks clear requests for serious harm and leaves everything else to the persona's prompt.
 * Thread-safe and stateless.
 */
public final class RuleBasedModeration implements Moderation {
    private static final Map<String, List<Pattern>> RULES = Map.of(
            "violence", List.of(
                    Pattern.compile("\\b(how (do i|to|can i)) (build|make) (a )?(bomb|explosive|pipe bomb)"),
                    Pattern.compile("\\bkill (him|her|them|you|everyone)\\b"),
                    Pattern.compile("(制作|制造)(炸弹|爆炸物)")),
            "self-harm", List.of(
                    Pattern.compile("\\bhow (do i|to|can i) (kill|hurt) myself\\b"),
                    Pattern.compile("(怎么|如何)自杀")),
            "sexual-minors", List.of(
                    Pattern.compile("\\b(child|minor|underage)\\b.{0,20}\\b(sex|nude|porn)"),
                    Pattern.compile("(儿童|未成年).{0,6}(色情|裸)")));

    @Override
    public ModerationVerdict check(String content) {
        String text = normalize(content);
        for (Map.Entry<String, List<Pattern>> rule : RULES.entrySet()) {
            for (Pattern pattern : rule.getValue()) {
                if (pattern.matcher(text).find()) {
                    return ModerationVerdict.blocked(rule.getKey());
                }
            }
        }
        return ModerationVerdict.ALLOWED;
    }

    static String normalize(String content) {
        String visible = TextPolicy.withoutFormatCharacters(content);
        String folded = Normalizer.normalize(visible, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        return folded.toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", " ").strip();
    }
}
