package dev.parley.domain.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UserProfileTest {

    @Test
    void theNameComesFromNameThenPreferredUsernameThenTheDefault() {
        assertThat(UserProfile.fromClaims("Ada Lovelace", "ada", null).displayName()).isEqualTo("Ada Lovelace");
        assertThat(UserProfile.fromClaims(null, "ada", null).displayName()).isEqualTo("ada");
        assertThat(UserProfile.fromClaims(" \u0000 ", "\u200B", null).displayName()).isEqualTo(UserProfile.DEFAULT_NAME);
    }

    @Test
    void controlAndFormatCharactersGoAndWhitespaceCollapses() {
        assertThat(UserProfile.fromClaims("\u202E Ada\u0000\t\n  Love\u200Blace\u0007 ", null, null).displayName())
                .isEqualTo("Ada Lovelace");
    }

    @Test
    void aLongNameIsCutWithoutSplittingASurrogatePair() {
        String name = "a".repeat(119) + "\uD83D\uDE00" + "tail";
        String kept = UserProfile.fromClaims(name, null, null).displayName();
        assertThat(kept).hasSize(119);
        assertThat(UserProfile.fromClaims("\uD83D\uDE00".repeat(100), null, null).displayName())
                .hasSize(120).isEqualTo("\uD83D\uDE00".repeat(60));
        assertThat(UserProfile.fromClaims("\uD800lone", null, null).displayName()).isEqualTo("lone");
    }

    @Test
    void onlyPlainShortLanguageTagsAreKept() {
        assertThat(UserProfile.fromClaims(null, null, "zh").locale()).isEqualTo("zh");
        assertThat(UserProfile.fromClaims(null, null, "zh-cn").locale()).isEqualTo("zh-CN");
        assertThat(UserProfile.fromClaims(null, null, "pt_BR").locale()).isEqualTo("pt-BR");
        assertThat(UserProfile.fromClaims(null, null, "zh-hant").locale()).isEqualTo("zh-Hant");
        assertThat(UserProfile.fromClaims(null, null, "es-419").locale()).isEqualTo("es-419");
        for (String bad : new String[] {null, "", "e", "english", "en-US-x-priv", "zh-Hant-TW", "<script>", "en;q=1",
                "12", "en-\u0000"}) {
            assertThat(UserProfile.fromClaims(null, null, bad).locale()).as(String.valueOf(bad)).isEqualTo("en");
        }
    }

    @Test
    void aSubjectIsBoundedAndPrintable() {
        assertThat(Subject.isValid("dev:alice")).isTrue();
        assertThat(Subject.isValid("x".repeat(255))).isTrue();
        assertThat(Subject.isValid("x".repeat(256))).isFalse();
        assertThat(Subject.isValid(" ")).isFalse();
        assertThat(Subject.isValid(null)).isFalse();
        assertThat(Subject.isValid("a\u0000b")).isFalse();
        assertThatThrownBy(() -> new Subject("")).isInstanceOf(IllegalArgumentException.class);
    }
}
