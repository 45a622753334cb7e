package dev.parley.application.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.application.fakes.InMemoryConversations;
import dev.parley.application.limit.InMemoryUserQuotas;
import dev.parley.application.limit.UserLimits;
import dev.parley.application.limit.UserQuotas;
import dev.parley.application.limit.UserRateLimitedException;
import dev.parley.domain.chat.Chat;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.user.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WatchChatServiceTest {
    private static final Instant NOW = Instant.parse("2026-03-03T09:00:00Z");
    private static final UserId ALICE = new UserId(UUID.randomUUID());
    private static final UserId BOB = new UserId(UUID.randomUUID());

    private final InMemoryConversations conversations = new InMemoryConversations();
    private final InMemoryUserQuotas quotas = new InMemoryUserQuotas(new UserLimits(4, 30, 2),
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(1));
    private final WatchChatService service = new WatchChatService(conversations, quotas);

    private Chat chatOf(UserId owner) {
        Chat chat = new Chat(new ChatId(UUID.randomUUID()), owner, new PersonaId(UUID.randomUUID()), "t", NOW, NOW);
        conversations.create(chat);
        return chat;
    }

    @Test
    void theOwnerMayWatchTheirChat() {
        Chat chat = chatOf(ALICE);

        assertThatCode(() -> service.watch(new WatchChatQuery(ALICE, chat.id()))).doesNotThrowAnyException();
    }

    @Test
    void anotherUsersChatIsNotFoundLikeAMissingOne() {
        Chat alices = chatOf(ALICE);

        assertThatThrownBy(() -> service.watch(new WatchChatQuery(BOB, alices.id())))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
        assertThatThrownBy(() -> service.watch(new WatchChatQuery(ALICE, new ChatId(UUID.randomUUID()))))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
    }

    @Test
    void eachStreamCountsAgainstTheCallersLimitUntilReleased() {
        Chat chat = chatOf(ALICE);
        UserQuotas.Permit first = service.watch(new WatchChatQuery(ALICE, chat.id()));
        service.watch(new WatchChatQuery(ALICE, chatOf(ALICE).id()));

        assertThatThrownBy(() -> service.watch(new WatchChatQuery(ALICE, chat.id())))
                .isInstanceOfSatisfying(UserRateLimitedException.class, e -> {
                    assertThat(e.limit()).isEqualTo(UserRateLimitedException.Limit.EVENT_STREAMS);
                    assertThat(e.retryAfter()).contains(InMemoryUserQuotas.STREAM_RETRY_AFTER);
                });
        assertThatCode(() -> service.watch(new WatchChatQuery(BOB, chatOf(BOB).id())))
                .as("another user has their own").doesNotThrowAnyException();
        first.release();
        first.release();
        assertThat(quotas.streams(ALICE)).isEqualTo(1);
        assertThatCode(() -> service.watch(new WatchChatQuery(ALICE, chat.id()))).doesNotThrowAnyException();
    }

    @Test
    void ownershipIsCheckedBeforeTheLimit() {
        Chat chat = chatOf(ALICE);
        service.watch(new WatchChatQuery(ALICE, chat.id()));
        service.watch(new WatchChatQuery(ALICE, chat.id()));

        assertThatThrownBy(() -> service.watch(new WatchChatQuery(ALICE, new ChatId(UUID.randomUUID()))))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHAT_NOT_FOUND));
    }

    @Test
    void theQueryNeedsACallerAndAChat() {
        assertThatThrownBy(() -> new WatchChatQuery(null, new ChatId(UUID.randomUUID())))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("caller"));
        assertThatThrownBy(() -> new WatchChatQuery(ALICE, null))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("chatId"));
    }
}
