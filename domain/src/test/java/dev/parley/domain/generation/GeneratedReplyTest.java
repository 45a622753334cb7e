package dev.parley.domain.generation;

import static dev.parley.domain.chat.Message.MAX_CONTENT_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.text.TextPolicy;
import org.junit.jupiter.api.Test;

class GeneratedReplyTest {
    private static final String ROCKET = "🚀"; // one code point, two chars

    private static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    @Test
    void aReplyAtTheLimitIsKeptAsItIs() {
        String atLimit = "a".repeat(MAX_CONTENT_LENGTH);

        assertThat(new GeneratedReply(atLimit, "m").content()).isEqualTo(atLimit);
    }

    @Test
    void theLimitCountsCodePointsNotChars() {
        String rockets = ROCKET.repeat(MAX_CONTENT_LENGTH);

        assertThat(new GeneratedReply(rockets, "m").content()).isEqualTo(rockets).hasSize(2 * MAX_CONTENT_LENGTH);
    }

    @Test
    void aLongerReplyIsCutToTheLimitEndingWithTheMark() {
        String content = new GeneratedReply("b".repeat(MAX_CONTENT_LENGTH + 1), "m").content();

        assertThat(content).isEqualTo("b".repeat(MAX_CONTENT_LENGTH - 1) + GeneratedReply.CUT_MARK);
        assertThat(codePoints(content)).isEqualTo(MAX_CONTENT_LENGTH);
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String content = new GeneratedReply("x" + ROCKET.repeat(MAX_CONTENT_LENGTH), "m").content();

        assertThat(content).isEqualTo("x" + ROCKET.repeat(MAX_CONTENT_LENGTH - 2) + GeneratedReply.CUT_MARK);
        assertThat(codePoints(content)).isEqualTo(MAX_CONTENT_LENGTH);
        assertThat(TextPolicy.isClean(content, TextPolicy.Lines.MULTI_LINE)).isTrue();
    }

    @Test
    void whitespaceBeforeTheCutIsDropped() {
        String words = "ab ".repeat(MAX_CONTENT_LENGTH); // the 3999 code points kept end with a space

        assertThat(new GeneratedReply(words, "m").content())
                .isEqualTo("ab ".repeat((MAX_CONTENT_LENGTH - 1) / 3).stripTrailing() + GeneratedReply.CUT_MARK);
    }

    @Test
    void theModelIsKept() {
        assertThat(new GeneratedReply("c".repeat(MAX_CONTENT_LENGTH * 3), "gpt-x").model()).isEqualTo("gpt-x");
    }

    @Test
    void controlCharactersAndLoneSurrogatesAProviderSentAreDropped() {
        GeneratedReply reply = new GeneratedReply("Aye\u0000, crew\u0007mate!\tAll\r\nclear \uD83D\uDE80 \uD800end", "m");

        assertThat(reply.content()).isEqualTo("Aye, crewmate!\tAll\r\nclear \uD83D\uDE80 end");
    }
}
