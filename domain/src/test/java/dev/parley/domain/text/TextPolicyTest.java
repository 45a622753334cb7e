package dev.parley.domain.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.text.TextPolicy.Lines;
import org.junit.jupiter.api.Test;

class TextPolicyTest {
    @Test
    void everydayTextInAnyScriptIsClean() {
        assertThat(TextPolicy.isClean("Where are we heading? 你好 🚀 naïve", Lines.SINGLE_LINE)).isTrue();
        assertThat(TextPolicy.isClean("line one\r\nline two\tindented", Lines.MULTI_LINE)).isTrue();
    }

    @Test
    void nulAndOtherC0AndC1ControlsAreNotClean() {
        for (char c : new char[] {0x00, 0x01, 0x07, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F}) {
            assertThat(TextPolicy.isClean("a" + c + "b", Lines.MULTI_LINE)).as("U+%04X", (int) c).isFalse();
        }
    }

    @Test
    void tabCrAndLfAreAllowedOnlyInMultiLineText() {
        for (String s : new String[] {"a\tb", "a\nb", "a\rb"}) {
            assertThat(TextPolicy.isClean(s, Lines.MULTI_LINE)).isTrue();
            assertThat(TextPolicy.isClean(s, Lines.SINGLE_LINE)).isFalse();
        }
    }

    @Test
    void unpairedSurrogatesAreNotCleanButPairsAre() {
        assertThat(TextPolicy.isClean("a\uD83D\uDE80b", Lines.SINGLE_LINE)).isTrue();
        assertThat(TextPolicy.isClean("a\uD83Db", Lines.SINGLE_LINE)).isFalse();
        assertThat(TextPolicy.isClean("a\uDE80b", Lines.SINGLE_LINE)).isFalse();
        assertThat(TextPolicy.isClean("a\uD83D", Lines.SINGLE_LINE)).isFalse();
        assertThat(TextPolicy.isClean("\uDE80\uD83D", Lines.SINGLE_LINE)).as("reversed pair").isFalse();
    }

    @Test
    void printableAsciiHasItsLengthBounds() {
        assertThat(TextPolicy.isPrintableAscii("key-1 ~!", 1, 255)).isTrue();
        assertThat(TextPolicy.isPrintableAscii("", 1, 255)).isFalse();
        assertThat(TextPolicy.isPrintableAscii("x".repeat(255), 1, 255)).isTrue();
        assertThat(TextPolicy.isPrintableAscii("x".repeat(256), 1, 255)).isFalse();
        assertThat(TextPolicy.isPrintableAscii("ключ", 1, 255)).isFalse();
        assertThat(TextPolicy.isPrintableAscii("a\tb", 1, 255)).isFalse();
        assertThat(TextPolicy.isPrintableAscii("a\u007Fb", 1, 255)).isFalse();
    }

    @Test
    void formatCharactersAreRemovedAndEverythingElseKept() {
        assertThat(TextPolicy.withoutFormatCharacters("b\u200Bo\u200Dm\uFEFFb\u00AD 🚀\u202E"))
                .isEqualTo("bomb 🚀");
        String plain = "nothing to remove";
        assertThat(TextPolicy.withoutFormatCharacters(plain)).isSameAs(plain);
    }
}
