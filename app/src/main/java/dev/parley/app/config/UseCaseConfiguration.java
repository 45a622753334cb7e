package dev.parley.app.config;

import dev.parley.ai.fault.FaultInjection;
import dev.parley.ai.local.LocalReplyGenerator;
import dev.parley.ai.openai.OpenAiReplyGenerator;
import dev.parley.ai.provider.AiProviderSettings;
import dev.parley.application.chat.ListChatsService;
import dev.parley.application.chat.ListChatsUseCase;
import dev.parley.application.chat.ReadMessagesService;
import dev.parley.application.chat.ReadMessagesUseCase;
import dev.parley.application.chat.SendMessageService;
import dev.parley.application.chat.SendMessageUseCase;
import dev.parley.application.chat.StartChatService;
import dev.parley.application.chat.StartChatUseCase;
import dev.parley.application.chat.SweepStaleTurnsService;
import dev.parley.application.chat.SweepStaleTurnsUseCase;
import dev.parley.application.chat.WatchChatService;
import dev.parley.application.chat.WatchChatUseCase;
import dev.parley.application.limit.InMemoryUserQuotas;
import dev.parley.application.limit.SharedUserQuotas;
import dev.parley.application.limit.UserQuotas;
import dev.parley.application.moderation.RuleBasedModeration;
import dev.parley.application.persona.ListPersonasService;
import dev.parley.application.persona.ListPersonasUseCase;
import dev.parley.application.user.ResolveCallerService;
import dev.parley.application.user.ResolveCallerUseCase;
import dev.parley.application.user.ViewProfileService;
import dev.parley.application.user.ViewProfileUseCase;
import dev.parley.domain.chat.Conversations;
import dev.parley.domain.common.IdGenerator;
import dev.parley.domain.common.UnitOfWork;
import dev.parley.domain.generation.ReplyGenerator;
import dev.parley.domain.persona.Personas;
import dev.parley.domain.resilience.GuardedExecutor;
import dev.parley.domain.telemetry.GenerationTelemetry;
import dev.parley.telemetry.OpenTelemetryTurns;
import dev.parley.telemetry.TracedReplyGenerator;
import dev.parley.domain.token.TokenWallet;
import dev.parley.domain.user.UserSends;
import dev.parley.domain.user.Users;
import dev.parley.persistence.fault.DatabaseFaults;
import dev.parley.persistence.fault.FaultInjectingConversations;
import dev.parley.rest.chat.ChatEventHub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The composition root: every use case is built here, by hand, from the ports the adapters provide.
 * This is the only place that names adapter classes; nothing in the core is discovered by scanning.
 */
@ApplicationScoped
public class UseCaseConfiguration {

    /**
     * The AI provider chosen by {@code parley.ai.provider} ({@code local} by default, or {@code openai};
     * checked at startup by {@link AiProviderSettings}), inside the debug fault-injection decorator
     * when {@code parley.debug.force-error.enabled} is on, each attempt inside its span.
     */
    @Produces
    @ApplicationScoped
    ReplyGenerator replyGenerator(AiProviderSettings ai, Instance<LocalReplyGenerator> local,
            Instance<OpenAiReplyGenerator> openAi, FaultInjection faults, OpenTelemetryTurns turns) {
        ReplyGenerator provider = switch (ai.provider()) {
            case LOCAL -> local.get();
            case OPENAI -> openAi.get();
        };
        return new TracedReplyGenerator(faults.decorate(provider), turns);
    }

    @Produces
    @ApplicationScoped
    ViewProfileUseCase viewProfile(Users users) {
        return new ViewProfileService(users);
    }

    /**
     * Who calls: the user of a verified token's subject, provisioned on first sight with
     * {@code parley.tokens.initial-grant} tokens (default 100, at least 0).
     */
    @Produces
    @ApplicationScoped
    ResolveCallerUseCase resolveCaller(Users users, IdGenerator ids,
            @ConfigProperty(name = "parley.tokens.initial-grant", defaultValue = "100") long initialGrant) {
        return ResilienceSettings.valid("parley.tokens.initial-grant",
                () -> new ResolveCallerService(users, ids, initialGrant));
    }

    @Produces
    @ApplicationScoped
    ListPersonasUseCase listPersonas(Personas personas) {
        return new ListPersonasService(personas);
    }

    @Produces
    @ApplicationScoped
    StartChatUseCase startChat(Conversations conversations, Personas personas, IdGenerator ids, Clock clock) {
        return new StartChatService(conversations, personas, ids, clock);
    }

    @Produces
    @ApplicationScoped
    ListChatsUseCase listChats(Conversations conversations) {
        return new ListChatsService(conversations);
    }

    @Produces
    @ApplicationScoped
    ReadMessagesUseCase readMessages(Conversations conversations) {
        return new ReadMessagesService(conversations);
    }

    @Produces
    @ApplicationScoped
    WatchChatUseCase watchChat(Conversations conversations, UserQuotas quotas) {
        return new WatchChatService(conversations, quotas);
    }

    /**
     * The per-user limits ({@link UserLimitSettings}) of event streams, in memory: per instance, so
     * behind a load balancer each instance limits its own share of a user's streams. Idle users are
     * forgotten by {@link Housekeeping}. {@code @Singleton}: a final class, which CDI cannot proxy.
     */
    @Produces
    @Singleton
    @Typed(InMemoryUserQuotas.class)
    InMemoryUserQuotas streamQuotas(@ConfigProperties UserLimitSettings limits, Clock clock, GuardedExecutor guarded) {
        return new InMemoryUserQuotas(limits.toLimits(), clock, staleAfter(guarded));
    }

    /**
     * The per-user limits of the use cases: sends counted from the database in the send's opening
     * transaction, so they hold across instances; event streams per instance ({@link #streamQuotas}).
     * A turn never counts as generating for longer than a turn can take ({@link #staleAfter}). The
     * sends that left the minute are deleted by {@link Housekeeping}.
     */
    @Produces
    @Singleton
    SharedUserQuotas userQuotas(@ConfigProperties UserLimitSettings limits, UserSends sends,
            InMemoryUserQuotas streams, Clock clock, GuardedExecutor guarded) {
        return new SharedUserQuotas(limits.toLimits(), sends, streams, clock, staleAfter(guarded));
    }

    /** Sending a message; its turns are told to the chat's event streams ({@link ChatEventHub}). */
    @Produces
    @ApplicationScoped
    SendMessageUseCase sendMessage(Conversations conversations, Personas personas, TokenWallet wallet,
            ReplyGenerator generator, UnitOfWork unitOfWork, GenerationTelemetry telemetry, GuardedExecutor guarded,
            DatabaseFaults databaseFaults, DebugFaultsBridge debugFaults, ChatEventHub events, IdGenerator ids,
            Clock clock, @ConfigProperties TurnSettings turn, UserQuotas quotas) {
        return new SendMessageService(
                new SendMessageService.Ports(
                        new FaultInjectingConversations(conversations, databaseFaults, debugFaults::reportDatabaseFault),
                        personas, wallet, generator, new RuleBasedModeration(), unitOfWork, telemetry, events, quotas),
                guarded, ids, clock, turn.toSettings(staleAfter(guarded)));
    }

    /** The sweep of turns no request works on any more, run by {@link Housekeeping}. */
    @Produces
    @ApplicationScoped
    SweepStaleTurnsUseCase sweepStaleTurns(Conversations conversations, ChatEventHub events, Clock clock,
            GuardedExecutor guarded) {
        return new SweepStaleTurnsService(conversations, events, clock, staleAfter(guarded));
    }

    /**
     * A PENDING turn untouched for longer than a request's whole retry budget plus a margin (for
     * its final writes) belongs to no live request: a same-key retry may take it over, the sweep
     * fails it.
     */
    static Duration staleAfter(GuardedExecutor guarded) {
        return guarded.policy().deadline().plusSeconds(30);
    }
}
