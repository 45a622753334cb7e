package dev.parley.ai.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.domain.chat.Message;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatCompletionStreamTest {
    private final List<String> deltas = new ArrayList<>();
    private final ChatCompletionStream stream = new ChatCompletionStream("requested-model", deltas::add, 1 << 20);

    private static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"model\":\"served-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content + "\"},\"finish_reason\":null}]}";
    }

    private void feed(String... lines) {
        for (String line : lines) {
            stream.line(line);
        }
    }

    private ParleyException failure(Runnable run) {
        try {
            run.run();
        } catch (ParleyException e) {
            return e;
        }
        throw new AssertionError("no failure");
    }

    @Test
    void aCleanStreamSendsEachPieceAtOnceAndEndsWithTheWholeReply() {
        feed("data: {\"model\":\"served-model\",\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", "");
        feed(chunk("Ahoy"), "");
        assertThat(deltas).containsExactly("Ahoy");
        feed(chunk(", crew"), "", chunk("mate!"), "");
        feed("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}", "", "data: [DONE]", "");

        GeneratedReply reply = stream.end();

        assertThat(deltas).containsExactly("Ahoy", ", crew", "mate!");
        assertThat(reply.content()).isEqualTo("Ahoy, crewmate!");
        assertThat(reply.model()).isEqualTo("served-model");
        assertThat(stream.done()).isTrue();
    }

    @Test
    void keepAliveCommentsOtherFieldsAndAnythingAfterDoneAreIgnored() {
        feed(": keep-alive", "", "id: 7", "retry: 1000", "data:" + chunk("one").substring("data: ".length()), "",
                ": ping", "", "data: [DONE]", "", chunk("never"), "", "data: {not json", "");

        assertThat(stream.end().content()).isEqualTo("one");
        assertThat(deltas).containsExactly("one");
    }

    @Test
    void aStreamCutBeforeItsEndIsARetryableProviderFailureAfterThePiecesItSent() {
        feed(chunk("one "), "", chunk("two "), "", chunk("three "), "");

        ParleyException cut = failure(stream::end);

        assertThat(cut.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(cut.code().retryable()).isTrue();
        assertThat(deltas).containsExactly("one ", "two ", "three ");
    }

    @Test
    void aFinishReasonWithoutDoneEndsTheReply() {
        feed(chunk("short"), "", "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}");

        assertThat(stream.end().content()).isEqualTo("short");
    }

    @Test
    void anErrorChunkFailsTheAttemptWithoutThePayload() {
        feed(chunk("half"), "");

        ParleyException failed = failure(() -> feed(
                "data: {\"error\":{\"message\":\"secret upstream detail\",\"type\":\"server_error\"}}", ""));

        assertThat(failed.code()).isEqualTo(ErrorCode.AI_PROVIDER_UNAVAILABLE);
        assertThat(failed.getMessage()).doesNotContain("secret");
    }

    @Test
    void anErrorEventThatSaysRateLimitIsRateLimited() {
        ParleyException failed = failure(() -> feed("event: error",
                "data: {\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}", ""));

        assertThat(failed.code()).isEqualTo(ErrorCode.AI_RATE_LIMITED);
    }

    @Test
    void aChunkThatIsNotJsonIsABadResponse() {
        assertThat(failure(() -> feed("data: {\"choices\": [", "")).code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
        assertThat(failure(() -> feed("data: [1, 2]", "")).code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
    }

    @Test
    void aStreamWithoutContentIsABadResponse() {
        feed("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", "", chunk("   "), "", "data: [DONE]", "");

        assertThat(failure(stream::end).code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE);
    }

    @Test
    void aStreamLongerThanTheLimitIsABadResponse() {
        ChatCompletionStream small = new ChatCompletionStream("m", deltas::add, 200);

        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                small.line(chunk("0123456789"));
                small.line("");
            }
        }).isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AI_BAD_RESPONSE));
    }

    @Test
    void aDataFieldOnSeveralLinesIsOneChunk() {
        feed("data: {\"choices\":[{\"delta\":", "data: {\"content\":\"joined\"}}]}", "", "data: [DONE]", "");

        assertThat(stream.end().content()).isEqualTo("joined");
    }

    @Test
    void piecesAreCleanTextAndASurrogatePairSplitBetweenChunksArrivesWhole() {
        feed(chunk("a\\u0000b\\ud83d"), "", chunk("\\ude80c"), "", "data: [DONE]", "");

        assertThat(deltas).containsExactly("ab", "\uD83D\uDE80c");
        assertThat(String.join("", deltas)).isEqualTo(stream.end().content());
    }

    @Test
    void nothingPastAMessagesLengthIsSentToTheClient() {
        String ten = "0123456789";
        for (int i = 0; i < Message.MAX_CONTENT_LENGTH / 10 + 5; i++) {
            feed(chunk(ten), "");
        }
        feed("data: [DONE]", "");

        assertThat(String.join("", deltas)).hasSize(Message.MAX_CONTENT_LENGTH);
        assertThat(stream.end().content()).endsWith(GeneratedReply.CUT_MARK).hasSize(Message.MAX_CONTENT_LENGTH);
    }
}
