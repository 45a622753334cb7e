package dev.parley.ai.local;

import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.testing.ManualScheduler;
import dev.parley.domain.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WordStreamTest {
    private static final GeneratedReply REPLY = new GeneratedReply("Aye,  crewmate!\nSteady as she goes.", "parley-local-1");

    private final ManualScheduler scheduler = new ManualScheduler(new MutableClock());
    private final List<String> deltas = new ArrayList<>();

    private CompletableFuture<GeneratedReply> stream(long latencyMs, long paceMs) {
        return new WordStream(scheduler, Duration.ofMillis(latencyMs), Duration.ofMillis(paceMs))
                .stream(() -> REPLY, deltas::add).toCompletableFuture();
    }

    @Test
    void piecesAreWordsWithTheWhitespaceThatFollowsThem() {
        assertThat(WordStream.pieces("Aye,  crewmate!\nSteady as she goes.")).containsExactly("Aye,  ", "crewmate!\n",
                "Steady ", "as ", "she ", "goes.");
        assertThat(WordStream.pieces("  leading and trailing  ")).containsExactly("  leading ", "and ", "trailing  ");
        assertThat(WordStream.pieces("")).isEmpty();
        assertThat(WordStream.pieces("   ")).containsExactly("   ");
    }

    @Test
    void unspacedScriptsGoACharacterAtATimeWithThePunctuationThatFollows() {
        assertThat(WordStream.pieces("船长：遵命，船员！")).containsExactly("船", "长：", "遵", "命，", "船", "员！");
        assertThat(WordStream.pieces("好问题。 GPT是AI")).containsExactly("好", "问", "题。 ", "GPT", "是", "AI");
        assertThat(WordStream.pieces("カタカナ")).containsExactly("カ", "タ", "カ", "ナ");
        assertThat(WordStream.pieces("𠀀𠀁 ok")).as("characters outside the BMP stay whole").containsExactly("𠀀",
                "𠀁 ", "ok");
        for (String text : new String[] {"船长：遵命，船员！", "  a 好 b\n", "𠀀x"}) {
            assertThat(String.join("", WordStream.pieces(text))).isEqualTo(text);
        }
    }

    @Test
    void afterTheLatencyOnePieceArrivesEveryPaceAndTheReplyRightAfterTheLast() {
        CompletableFuture<GeneratedReply> reply = stream(100, 25);

        scheduler.advanceMillis(99);
        assertThat(deltas).isEmpty();
        scheduler.advanceMillis(1);
        assertThat(deltas).containsExactly("Aye,  ");
        scheduler.advanceMillis(24);
        assertThat(deltas).hasSize(1);
        scheduler.advanceMillis(1);
        assertThat(deltas).containsExactly("Aye,  ", "crewmate!\n");
        scheduler.advanceMillis(25 * 3);
        assertThat(deltas).hasSize(5);
        assertThat(reply).isNotDone();

        scheduler.advanceMillis(25);

        assertThat(String.join("", deltas)).isEqualTo(REPLY.content());
        assertThat(reply).isCompletedWithValue(REPLY);
        assertThat(scheduler.pendingTasks()).isZero();
        assertThat(scheduler.requestedDelays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(25),
                Duration.ofMillis(25), Duration.ofMillis(25), Duration.ofMillis(25), Duration.ofMillis(25));
    }

    @Test
    void aZeroPaceSendsEveryPieceAtOnceAfterTheLatency() {
        CompletableFuture<GeneratedReply> reply = stream(50, 0);

        scheduler.advanceMillis(50);

        assertThat(deltas).hasSize(6);
        assertThat(reply).isCompletedWithValue(REPLY);
        assertThat(scheduler.requestedDelays()).containsExactly(Duration.ofMillis(50));
    }

    @Test
    void withoutLatencyTheFirstPieceComesAtOnce() {
        CompletableFuture<GeneratedReply> reply = stream(0, 10);

        assertThat(deltas).containsExactly("Aye,  ");
        scheduler.runUntilIdle();
        assertThat(reply).isCompletedWithValue(REPLY);
    }

    @Test
    void aCancelledStreamSendsNoMorePieces() {
        CompletableFuture<GeneratedReply> reply = stream(0, 10);

        reply.cancel(false);
        scheduler.runUntilIdle();

        assertThat(deltas).containsExactly("Aye,  ");
    }

    @Test
    void aReplyThatCannotBeComposedFailsTheStream() {
        CompletableFuture<GeneratedReply> reply = new WordStream(scheduler, Duration.ofMillis(5), Duration.ofMillis(5))
                .stream(() -> {
                    throw new IllegalStateException("no voice");
                }, deltas::add).toCompletableFuture();

        scheduler.runUntilIdle();

        assertThat(reply).isCompletedExceptionally();
        assertThat(deltas).isEmpty();
    }

    @Test
    void theLocalComposersReplyStreamsWholeAndClean() {
        LocalReplyComposer composer = new LocalReplyComposer();
        var request = aRequest().asking("Where  are we\theaded?");

        CompletableFuture<GeneratedReply> reply = new WordStream(scheduler, Duration.ZERO, Duration.ZERO)
                .stream(() -> composer.compose(request), deltas::add).toCompletableFuture();

        assertThat(reply).isCompletedWithValue(composer.compose(request));
        assertThat(String.join("", deltas)).isEqualTo(composer.compose(request).content());
        assertThat(deltas).hasSizeGreaterThan(5).allSatisfy(piece -> assertThat(piece).isNotBlank());
    }

    @Test
    void thePaceIsWholeMillisecondsZeroOrMore() {
        assertThat(WordStream.pace("25")).isEqualTo(Duration.ofMillis(25));
        assertThat(WordStream.pace(" 0 ")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "fast", "", "2.5", "1e3"})
    void aPaceThatIsNotWholeMillisecondsIsRefusedNamingItsKey(String setting) {
        assertThatThrownBy(() -> WordStream.pace(setting)).isInstanceOf(IllegalStateException.class)
                .hasMessage("parley.ai.local.stream-delay-ms must be a whole number of milliseconds, 0 or more, not '"
                        + setting + "'");
    }
}
