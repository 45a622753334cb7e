package dev.parley.rest.chat;

import dev.parley.application.chat.ChatTurn;
import dev.parley.application.chat.ListChatsUseCase;
import dev.parley.application.chat.ReadMessagesQuery;
import dev.parley.application.chat.ReadMessagesUseCase;
import dev.parley.application.chat.SendMessageCommand;
import dev.parley.application.chat.SendMessageUseCase;
import dev.parley.application.chat.StartChatCommand;
import dev.parley.application.chat.StartChatUseCase;
import dev.parley.application.chat.TurnObserver;
import dev.parley.application.chat.WatchChatQuery;
import dev.parley.application.chat.WatchChatUseCase;
import dev.parley.application.limit.UserQuotas;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.ChatSummary;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.common.Failures;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.error.ValidationException;
import dev.parley.domain.persona.PersonaId;
import dev.parley.rest.chat.Json.ChatGenerationSuccess;
import dev.parley.rest.chat.Json.ChatJson;
import dev.parley.rest.chat.Json.MessageJson;
import dev.parley.rest.chat.Json.MessagePageJson;
import dev.parley.rest.chat.Json.SendMessageRequest;
import dev.parley.rest.chat.Json.StartChatRequest;
import dev.parley.rest.debug.ArmsDebugFaults;
import dev.parley.rest.debug.DebugFaults;
import dev.parley.rest.debug.DebugFaultsFilter;
import dev.parley.rest.problem.DomainProblems;
import dev.parley.rest.problem.Problem;
import dev.parley.rest.problem.ProblemResponses;
import dev.parley.rest.problem.RequestInfo;
import dev.parley.rest.problem.ServerErrorLog;
import dev.parley.rest.security.Caller;
import dev.parley.rest.security.CurrentUser;
import dev.parley.rest.security.EventTickets;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chats and their messages: {@code /api/chats}. Translates HTTP to the use cases and their results
 * back to HTTP, nothing else: what a turn tells its watchers leaves through the
 * {@link dev.parley.application.chat.TurnEvents} port, implemented by {@link ChatEventHub}.
 */
@Path("chats")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChatResource {
    /**
     * JSON, preferred by the server ({@code qs}) where the client accepts both it and an event stream
     * ({@code *}{@code /*}, or no {@code Accept}): a send is streamed only when the client names
     * {@code text/event-stream}, and the choice is never a tie (RESTEasy would log a warning, with the
     * request's path, for every such send).
     */
    static final String JSON_FIRST = MediaType.APPLICATION_JSON + ";qs=2";

    @Inject
    CurrentUser currentUser;
    @Inject
    StartChatUseCase startChat;
    @Inject
    ListChatsUseCase listChats;
    @Inject
    ReadMessagesUseCase readMessages;
    @Inject
    SendMessageUseCase sendMessage;
    @Inject
    WatchChatUseCase watchChat;
    @Inject
    ChatEventHub events;
    @Inject
    EventTickets tickets;
    @Inject
    SendDeadlines deadlines;
    @Inject
    ReplyStreams replyStreams;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(StartChatRequest body, @Context UriInfo uriInfo) {
        if (body == null) {
            throw new ValidationException("personaId", ValidationException.Reason.REQUIRED);
        }
        ChatSummary created = startChat.start(new StartChatCommand(currentUser.id(),
                new PersonaId(Params.uuid(body.personaId(), "personaId")), Optional.ofNullable(body.title())));
        return Response.created(uriInfo.getAbsolutePathBuilder().path(created.chat().id().toString()).build())
                .entity(ChatJson.of(created))
                .build();
    }

    @GET
    public List<ChatJson> list() {
        return listChats.list(currentUser.id()).stream().map(ChatJson::of).toList();
    }

    @GET
    @Path("{chatId}/messages")
    public MessagePageJson messages(@PathParam("chatId") String chatId, @QueryParam("offset") String offset,
            @QueryParam("limit") String limit) {
        ReadMessagesQuery query = new ReadMessagesQuery(currentUser.id(), new ChatId(Params.uuid(chatId, "chatId")),
                Params.integer(offset, "offset", 0), Params.integer(limit, "limit", ReadMessagesQuery.DEFAULT_LIMIT));
        List<Message> page = readMessages.read(query);
        Integer next = page.size() == query.limit() ? query.offset() + page.size() : null;
        return new MessagePageJson(page.stream().map(MessageJson::of).toList(), query.offset(), query.limit(), next);
    }

    /**
     * The chat's events as Server-Sent Events: {@code typing} (a turn started or ended) and
     * {@code message} (a message was stored or changed status), each with JSON data and its id; a
     * {@code :connected} comment once the stream is registered, then keep-alive comments. With the last
     * id the client saw ({@code Last-Event-ID}, or {@code lastEventId}), it first gets what it missed,
     * or a {@code reset} event when that is no longer kept ({@link ChatEventHub}). Another
     * user's chat is 404, as everywhere; a caller with as many streams open as allowed gets 429
     * USER_RATE_LIMITED before the stream starts. The caller's permit is given back when the stream
     * ends, however it ends ({@link ChatEventHub#subscribe}).
     */
    @GET
    @Path("{chatId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("chatId") String chatId, @HeaderParam("Last-Event-ID") String lastEventIdHeader,
            @QueryParam("lastEventId") String lastEventIdParam, @Context SseEventSink sink, @Context Sse sse) {
        Caller caller = currentUser.caller();
        WatchChatQuery query = new WatchChatQuery(caller.id(), new ChatId(Params.uuid(chatId, "chatId")));
        OptionalLong resumeAfter = Params.lastEventId(lastEventIdHeader, lastEventIdParam);
        UserQuotas.Permit permit = watchChat.watch(query);
        events.subscribe(query.chatId(), sink, sse, caller.validUntil(), resumeAfter, permit::release);
    }

    /**
     * A single-use ticket for this chat's event stream ({@link EventTickets}): an {@code EventSource}
     * cannot send an {@code Authorization} header, and a token must not travel in a URL. Another
     * user's chat is 404, as everywhere. Issuing a ticket opens nothing: the per-user stream limit
     * applies when the ticket opens the stream.
     */
    @POST
    @Path("{chatId}/events/ticket")
    public TicketJson eventTicket(@PathParam("chatId") String chatId) {
        Caller caller = currentUser.caller();
        WatchChatQuery query = new WatchChatQuery(caller.id(), new ChatId(Params.uuid(chatId, "chatId")));
        watchChat.authorize(query);
        return new TicketJson(tickets.issue(caller, query.chatId()), EventTickets.VALIDITY_SECONDS);
    }

    public record TicketJson(String ticket, int expiresIn) {
    }

    /**
     * Sends a message and answers with the reply (201) once it is generated, or with a problem. The
     * request thread is released while the reply is generated. An {@code X-Debug-Force-Error} header
     * is armed around the request by {@link dev.parley.rest.debug.DebugFaultsFilter}. A client that asks
     * for {@code text/event-stream} gets {@link #sendStreamed} instead.
     */
    @POST
    @Path("{chatId}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(JSON_FIRST)
    @ArmsDebugFaults
    public void send(@PathParam("chatId") String chatId, SendMessageRequest body,
            @HeaderParam("Idempotency-Key") String idempotencyKey, @Context HttpServletRequest request,
            @Suspended AsyncResponse response) {
        RequestInfo info = RequestInfo.from(request);
        SendMessageCommand command;
        try {
            command = command(chatId, body, idempotencyKey, info);
        } catch (RuntimeException e) {
            response.resume(problem(e, info));
            return;
        }
        AtomicReference<MessageId> stored = new AtomicReference<>();
        // one shared sweeper instead of response.setTimeout: a timer per request cost every request (SendDeadlines)
        SendDeadlines.Deadline deadline = deadlines.watch(() -> response.resume(
                problem(SendTimeout.stillAnswering(command.chatId(), stored.get()), info)));
        TurnObserver observer = new TurnObserver() {
            @Override
            public void stored(MessageId userMessageId) {
                stored.set(userMessageId);
            }
        };
        try {
            sendMessage.send(command, observer).whenComplete((turn, error) -> {
                if (deadline.met()) {
                    response.resume(error == null
                            ? Response.status(Response.Status.CREATED)
                                    .entity(ChatGenerationSuccess.of(turn))
                                    .header(RequestInfo.REQUEST_ID_HEADER, info.requestId())
                                    .build()
                            : problem(error, info));
                }
            });
        } catch (RuntimeException e) {
            if (deadline.met()) {
                response.resume(problem(e, info));
            }
        }
    }

    /**
     * The same send, its reply streamed ({@code Accept: text/event-stream}; {@link ReplyStream} says
     * which events). The same validation and the same problems as {@link #send} until the turn is
     * accepted, as plain problem responses; from then on the stream is open and the turn's end is its
     * last event, {@code completed} or {@code failed}. A debug fault stays armed until the turn ends:
     * this response's filters run with its first event, before the attempts.
     */
    @POST
    @Path("{chatId}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @ArmsDebugFaults
    public void sendStreamed(@PathParam("chatId") String chatId, SendMessageRequest body,
            @HeaderParam("Idempotency-Key") String idempotencyKey, @Context HttpServletRequest request,
            @Context SseEventSink sink, @Context Sse sse) {
        RequestInfo info = RequestInfo.from(request);
        SendMessageCommand command = command(chatId, body, idempotencyKey, info);
        DebugFaults.Armed armed = DebugFaultsFilter.keepArmed(request);
        ReplyStream stream = replyStreams.open(sink, sse);
        SendDeadlines.Deadline deadline = deadlines.watch(() -> stream.failed(
                problemBody(SendTimeout.stillAnswering(command.chatId(), stream.storedMessage()), info)));
        CompletionStage<ChatTurn> turn;
        try {
            turn = sendMessage.send(command, stream);
        } catch (RuntimeException e) {
            armed.close();
            if (!deadline.met()) {
                return; // answered as timed out already
            }
            if (!stream.started()) {
                throw e; // before the stream: the problem as a response of its own
            }
            stream.failed(problemBody(e, info));
            return;
        }
        turn.whenComplete((done, error) -> {
            armed.close();
            if (deadline.met()) {
                if (error == null) {
                    stream.completed(done);
                } else {
                    stream.failed(problemBody(error, info));
                }
            }
        });
    }

    private SendMessageCommand command(String chatId, SendMessageRequest body, String idempotencyKey,
            RequestInfo info) {
        return new SendMessageCommand(currentUser.id(), new ChatId(Params.uuid(chatId, "chatId")),
                body == null ? null : body.content(), Optional.ofNullable(idempotencyKey), info.requestId());
    }

    private static Response problem(Throwable error, RequestInfo info) {
        return ProblemResponses.toResponse(answered(error, info), info);
    }

    private static String problemBody(Throwable error, RequestInfo info) {
        return ProblemResponses.body(answered(error, info), info);
    }

    /** The problem a failure is answered with, logged once as answered. */
    private static Problem answered(Throwable error, RequestInfo info) {
        Throwable cause = Failures.unwrap(error);
        Problem problem = cause instanceof ParleyException parley ? DomainProblems.of(parley, info.locale())
                : DomainProblems.internal(info.locale());
        ServerErrorLog.answered(problem, info, cause);
        return problem;
    }
}
