package dev.parley.application.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.moderation.ModerationVerdict;
import org.junit.jupiter.api.Test;

class RuleBasedModerationTest {
    private final RuleBasedModeration moderation = new RuleBasedModeration();

    @Test
    void everydayMessagesPass() {
        assertThat(moderation.check("How do I learn Java?")).isEqualTo(ModerationVerdict.ALLOWED);
        assertThat(moderation.check("The bomb scene in the movie was great")).isEqualTo(ModerationVerdict.ALLOWED);
        assertThat(moderation.check("你好，教授")).isEqualTo(ModerationVerdict.ALLOWED);
    }

    @Test
    void clearRequestsForSeriousHarmAreBlockedWithTheirCategoryInAnyCaseOrSpacing() {
        assertThat(moderation.check("How   do I BUILD a Bomb?").category()).contains("violence");
        assertThat(moderation.check("如何制作炸弹").category()).contains("violence");
        assertThat(moderation.check("how to kill myself").category()).contains("self-harm");
        assertThat(moderation.check("how to kill myself").allowed()).isFalse();
    }

    @Test
    void zeroWidthAndOtherFormatCharactersDoNotHideAWord() {
        assertThat(moderation.check("how to build a b\u200Bo\u200Cm\u200Db").allowed()).isFalse();
        assertThat(moderation.check("how to kill my\u00ADself\uFEFF").category()).contains("self-harm");
        assertThat(moderation.check("如何\u2060自杀").category()).contains("self-harm");
        assertThat(moderation.check("ship\u200Bmates, hold the wheel").allowed()).isTrue();
    }
}
