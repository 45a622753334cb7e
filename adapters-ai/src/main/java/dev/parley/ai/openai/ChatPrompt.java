package dev.parley.ai.openai;

import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.generation.GenerationRequest;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The body of a chat-completions request: the model, the most tokens the reply may have
 * ({@code max_tokens}), the persona's system prompt first, then the
 * most recent messages of the chat, oldest first, as {@code user}/{@code assistant} turns. History is
 * bounded by a budget of characters of message content (the system prompt is not counted): older
 * messages are dropped first, and the message being answered is always sent, whatever its length.
 */
final class ChatPrompt {
    /** Looked up once: {@code Json.createX} looks the provider up on every call (a service-loader scan). */
    private static final JsonProvider JSON = JsonProvider.provider();
    private ChatPrompt() {
    }

    static JsonObject body(String model, GenerationRequest request, int maxHistoryChars, int maxTokens) {
        return body(model, request, maxHistoryChars, maxTokens, false);
    }

    /** As above; {@code stream}: the reply asked for as Server-Sent Events ({@code "stream": true}). */
    static JsonObject body(String model, GenerationRequest request, int maxHistoryChars, int maxTokens, boolean stream) {
        JsonArrayBuilder messages = JSON.createArrayBuilder()
                .add(JSON.createObjectBuilder().add("role", "system").add("content", request.persona().systemPrompt()));
        for (Message message : window(request, maxHistoryChars)) {
            messages.add(JSON.createObjectBuilder().add("role", role(message.role())).add("content", message.content()));
        }
        var body = JSON.createObjectBuilder().add("model", model).add("max_tokens", maxTokens).add("messages", messages);
        if (stream) {
            body.add("stream", true);
        }
        return body.build();
    }

    /** The messages that fit the budget, oldest first, ending with the message being answered. */
    static List<Message> window(GenerationRequest request, int maxHistoryChars) {
        List<Message> history = new ArrayList<>(request.history());
        Message answered = request.userMessage();
        history.removeIf(m -> m.id().equals(answered.id()));
        Deque<Message> kept = new ArrayDeque<>();
        kept.addFirst(answered);
        long used = answered.content().length();
        for (int i = history.size() - 1; i >= 0; i--) {
            Message older = history.get(i);
            used += older.content().length();
            if (used > maxHistoryChars) {
                break;
            }
            kept.addFirst(older);
        }
        return List.copyOf(kept);
    }

    private static String role(MessageRole role) {
        return switch (role) {
            case USER -> "user";
            case ASSISTANT -> "assistant";
        };
    }
}
