package dev.parley.ai.openai;

import static dev.parley.ai.testing.Requests.aRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.domain.chat.Message;
import dev.parley.domain.generation.GenerationRequest;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatPromptTest {

    private static List<String> contents(List<Message> messages) {
        return messages.stream().map(Message::content).toList();
    }

    @Test
    void theSystemPromptComesFirstThenTheHistoryOldestFirstWithItsRoles() {
        GenerationRequest request = aRequest().user("one").assistant("two").asking("three");

        JsonObject body = ChatPrompt.body("m", request, 1_000, 300);

        assertThat(body.getString("model")).isEqualTo("m");
        assertThat(body.getInt("max_tokens")).isEqualTo(300);
        assertThat(body.getJsonArray("messages").getValuesAs(JsonObject.class))
                .extracting(m -> m.getString("role") + ":" + m.getString("content"))
                .containsExactly("system:" + request.persona().systemPrompt(), "user:one", "assistant:two", "user:three");
    }

    @Test
    void theBudgetDropsTheOldestMessagesFirst() {
        GenerationRequest request = aRequest().user("aaaaa").assistant("bbbbb").user("ccccc").asking("ddddd");

        assertThat(contents(ChatPrompt.window(request, 15))).containsExactly("bbbbb", "ccccc", "ddddd");
        assertThat(contents(ChatPrompt.window(request, 14))).containsExactly("ccccc", "ddddd");
        assertThat(contents(ChatPrompt.window(request, 20))).containsExactly("aaaaa", "bbbbb", "ccccc", "ddddd");
    }

    @Test
    void theMessageBeingAnsweredIsAlwaysSentEvenBeyondTheBudget() {
        GenerationRequest request = aRequest().user("earlier").asking("x".repeat(50));

        assertThat(contents(ChatPrompt.window(request, 10))).containsExactly("x".repeat(50));
    }

    @Test
    void theMessageBeingAnsweredIsAddedWhenTheHistoryLacksIt() {
        GenerationRequest full = aRequest().user("earlier").asking("now");
        GenerationRequest withoutIt = new GenerationRequest(full.chatId(), full.persona(),
                full.history().subList(0, 1), full.userMessage());

        assertThat(contents(ChatPrompt.window(withoutIt, 100))).containsExactly("earlier", "now");
    }
}
