package dev.parley.application.chat;

import dev.parley.application.common.Require;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.text.TextPolicy;
import dev.parley.domain.user.UserId;
import java.util.Optional;

/**
 * Start a chat with {@code personaId}, optionally titled (at most {@value #MAX_TITLE_LENGTH}
 * characters on one line: no control character, no unpaired surrogate).
 */
public record StartChatCommand(UserId caller, PersonaId personaId, Optional<String> title) {
    public static final int MAX_TITLE_LENGTH = 200;

    public StartChatCommand {
        Require.present(caller, "caller");
        Require.present(personaId, "personaId");
        Require.present(title, "title");
        title = title.map(String::strip).filter(t -> !t.isEmpty());
        title.ifPresent(t -> Require.cleanText(t, "title", MAX_TITLE_LENGTH, TextPolicy.Lines.SINGLE_LINE));
    }
}
