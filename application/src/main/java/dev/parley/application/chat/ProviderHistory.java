package dev.parley.application.chat;

import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.chat.MessageRole;
import dev.parley.domain.chat.MessageStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What of a chat's recent messages is sent to the provider with a generation: the completed turns
 * (a COMPLETED user message and the reply to it) that precede the message being answered, then that
 * message. A blocked or failed message, a turn still pending (another request's), and a reply whose
 * question is not a completed turn in the window are left out. Pure.
 */
final class ProviderHistory {
    private ProviderHistory() {
    }

    /**
     * @param recent   the chat's most recent messages, oldest first
     * @param answered the user message being answered (it ends the history, whatever its status)
     * @param limit    the most messages to return, the answered one included
     */
    static List<Message> of(List<Message> recent, Message answered, int limit) {
        Set<MessageId> completedQuestions = new HashSet<>();
        List<Message> kept = new ArrayList<>();
        for (Message m : recent) {
            if (m.id().equals(answered.id())) {
                break; // what came after it is not its history
            }
            if (m.role() == MessageRole.USER && m.status() == MessageStatus.COMPLETED) {
                completedQuestions.add(m.id());
                kept.add(m);
            } else if (m.role() == MessageRole.ASSISTANT && m.replyTo().filter(completedQuestions::contains).isPresent()) {
                kept.add(m);
            }
        }
        kept.removeIf(m -> m.role() == MessageRole.USER && !answeredIn(kept, m));
        kept.add(answered);
        return List.copyOf(kept.subList(Math.max(0, kept.size() - limit), kept.size()));
    }

    /** Whether the completed question {@code question} has its reply among {@code kept}. */
    private static boolean answeredIn(List<Message> kept, Message question) {
        for (Message m : kept) {
            if (m.replyTo().filter(question.id()::equals).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
