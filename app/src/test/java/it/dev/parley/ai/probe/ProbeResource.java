package it.dev.parley.ai.probe;

import dev.parley.ai.openai.OpenAiReplyGenerator;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.chat.Message;
import dev.parley.domain.chat.MessageId;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Drives the real {@link OpenAiReplyGenerator} bean (through its CDI and fault-tolerance proxies)
 * inside Liberty: {@code POST /probe/generate?n=3} starts {@code n} attempts at once, without waiting
 * in between, and answers one JSON outcome per attempt: {@code {"ok":true,"content","model"}} or
 * {@code {"ok":false,"code","message","retryAfterMs"}}, plus whether the application's naming context
 * was available where the caller's dependent stage ran ({@code "context"}). With {@code streamed=k} the
 * first {@code k} attempts are streamed (their outcomes add the pieces, {@code "deltas"}) and the others
 * start only once each streamed attempt has sent its first piece (or ended).
 */
@Path("generate")
@ApplicationScoped
public class ProbeResource {
    /** What the probe's user says (distinctive, so that a test can look for it in the server log). */
    public static final String CONTENT = "Ahoy, the treasure is under the old oak 7d1f";
    public static final Persona CAPTAIN = new Persona(new PersonaId(UUID.fromString("00000000-0000-4000-8000-00000000a001")),
            "Captain Mira", "captain", "You are Captain Mira, the cheerful captain of the starship Parley.");

    @Inject
    OpenAiReplyGenerator generator;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public void generate(@QueryParam("n") @DefaultValue("1") int n, @QueryParam("streamed") @DefaultValue("0") int streamed,
            @QueryParam("content") @DefaultValue(ProbeResource.CONTENT) String content, @Suspended AsyncResponse response) {
        ChatId chat = new ChatId(UUID.randomUUID());
        Message question = Message.userMessage(new MessageId(UUID.randomUUID()), chat, content, Optional.empty(), Instant.now());
        GenerationRequest request = new GenerationRequest(chat, CAPTAIN, List.of(question), question);
        List<CompletableFuture<JsonObject>> outcomes = new ArrayList<>();
        List<CompletableFuture<Void>> firstPieces = new ArrayList<>();
        for (int i = 0; i < Math.min(n, streamed); i++) {
            List<String> deltas = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> firstPiece = new CompletableFuture<>();
            firstPieces.add(firstPiece);
            outcomes.add(generator.stream(request, text -> {
                deltas.add(text);
                firstPiece.complete(null);
            }).whenComplete((reply, error) -> firstPiece.complete(null))
                    .handle((reply, error) -> withDeltas(outcome(reply, error), deltas)).toCompletableFuture());
        }
        CompletableFuture<Void> streaming = CompletableFuture.allOf(firstPieces.toArray(CompletableFuture[]::new));
        for (int i = outcomes.size(); i < n; i++) {
            outcomes.add(streaming.thenCompose(started -> generator.generate(request)).handle(ProbeResource::outcome)
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            JsonArrayBuilder array = Json.createArrayBuilder();
            outcomes.forEach(outcome -> array.add(outcome.join()));
            response.resume(array.build().toString());
        });
    }

    private static JsonObject withDeltas(JsonObject outcome, List<String> deltas) {
        return Json.createObjectBuilder(outcome).add("deltas", Json.createArrayBuilder(deltas)).build();
    }

    private static JsonObject outcome(GeneratedReply reply, Throwable error) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("context", namingContextAvailable());
        if (error == null) {
            return json.add("ok", true).add("content", reply.content()).add("model", reply.model()).build();
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (!(cause instanceof ParleyException parley)) {
            return json.add("ok", false).add("code", "NOT_A_PARLEY_EXCEPTION").add("message", String.valueOf(cause)).build();
        }
        json.add("ok", false).add("code", parley.code().name()).add("message", String.valueOf(parley.getMessage()));
        parley.retryAfter().ifPresent(d -> json.add("retryAfterMs", d.toMillis()));
        return json.build();
    }

    private static boolean namingContextAvailable() {
        try {
            new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
            return true;
        } catch (NamingException e) {
            return false;
        }
    }
}
