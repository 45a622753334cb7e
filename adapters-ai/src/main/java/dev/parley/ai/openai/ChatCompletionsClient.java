package dev.parley.ai.openai;

import dev.parley.ai.telemetry.Redaction;
import dev.parley.domain.error.ParleyException;
import dev.parley.domain.generation.GeneratedReply;
import dev.parley.domain.generation.GenerationRequest;
import dev.parley.domain.generation.ReplyDeltas;
import dev.parley.domain.telemetry.TelemetryEvent;
import dev.parley.domain.telemetry.TelemetryEvents;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One attempt at a chat completion over HTTP: {@code POST {base-url}/v1/chat/completions} with the
 * persona's system prompt and the recent history ({@link ChatPrompt}), the answer mapped to a reply
 * or a {@link ParleyException} ({@link ChatCompletionsResponses}). It does not retry and holds no
 * state between calls; thread-safe.
 *
 * <p>Why the JDK's {@link HttpClient} and not MicroProfile Rest Client: {@code sendAsync} is
 * non-blocking end to end, the adapter needs the raw status, headers and body of every outcome
 * (429 hints, error bodies to redact, malformed JSON) rather than a typed-interface abstraction that
 * turns them into exceptions, it adds no Liberty feature ({@code mpRestClient}) to the server, and it
 * runs unchanged in plain JUnit tests against WireMock.
 *
 * <p>The provider cannot flood us: the request asks for at most {@code max_tokens}
 * ({@link ChatPrompt}), the response body is read through a {@link BoundedBodyHandler} that stops
 * at {@link OpenAiDefaults#MAX_RESPONSE_BYTES} (a larger reply is {@code AI_BAD_RESPONSE}), and
 * a reply longer than a message is cut by {@link GeneratedReply} itself.
 *
 * <p>The request's own timeout ({@code requestTimeout}) abandons the exchange; inside Liberty the
 * attempt timeout ({@link ProviderAttempt}) answers the caller first and drops the exchange. A provider that
 * refuses the request (4xx other than 408/429) is reported once as an {@code ai_provider_rejected}
 * event with its message redacted; the key is only ever written to the {@code Authorization} header.
 */
public final class ChatCompletionsClient {
    private final HttpClient http;
    private final OpenAiSettings settings;
    private final Duration requestTimeout;
    private final Clock clock;
    private final TelemetryEvents telemetry;
    private final ProviderCallTelemetry traces;

    /** A client without OpenTelemetry (spans and metrics are no-ops). */
    public ChatCompletionsClient(HttpClient http, OpenAiSettings settings, Duration requestTimeout, Clock clock,
            TelemetryEvents telemetry) {
        this(http, settings, requestTimeout, clock, telemetry, OpenTelemetry.noop());
    }

    public ChatCompletionsClient(HttpClient http, OpenAiSettings settings, Duration requestTimeout, Clock clock,
            TelemetryEvents telemetry, OpenTelemetry openTelemetry) {
        this.http = Objects.requireNonNull(http, "http");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.traces = new ProviderCallTelemetry(openTelemetry, settings);
    }

    /**
     * Starts the attempt and returns at once. The stage completes with the reply or exceptionally
     * with a {@link ParleyException} (never wrapped), on the HTTP client's thread.
     */
    public CompletionStage<GeneratedReply> complete(GenerationRequest request) {
        return complete(request, Context.current());
    }

    /**
     * As {@link #complete(GenerationRequest)}, traced as a client span under {@code parent} (the
     * attempt's context, carried in by the caller: this may run on a fault-tolerance thread), whose
     * {@code traceparent} goes to the provider ({@link ProviderCallTelemetry}).
     */
    public CompletionStage<GeneratedReply> complete(GenerationRequest request, Context parent) {
        return exchange(request, false, parent, new BoundedBodyHandler(OpenAiDefaults.MAX_RESPONSE_BYTES),
                response -> answer(response.statusCode(), response.headers(), response.body(), request),
                response -> ProviderCallTelemetry.Usage.of(response.body()));
    }

    /**
     * One attempt, streamed ({@code "stream": true}, {@code Accept: text/event-stream}): each piece of the
     * reply reaches {@code deltas} as the provider sends it ({@link ChatCompletionStream}); the stage
     * completes with the whole reply, or exceptionally with a {@link ParleyException} (never wrapped) —
     * as {@link #complete} maps a response, plus a stream cut before its end ({@code
     * AI_PROVIDER_UNAVAILABLE}), an error event, and, once the first piece has gone to {@code deltas}, a
     * silence longer than {@code idle} between two pieces of the body ({@code AI_PROVIDER_TIMEOUT}; the
     * exchange is dropped). A provider that answers with a whole (non-streamed) completion is read as one
     * and its reply sent as one delta. Pieces sent before a failure belong to no reply; a piece may still
     * arrive just after the stage failed by the idle timeout. The request's own timeout bounds the wait
     * for the response's headers only; the wait for the first piece is the caller's to bound
     * ({@link ProviderAttempt}).
     */
    public CompletionStage<GeneratedReply> stream(GenerationRequest request, ReplyDeltas deltas, Duration idle,
            Context parent) {
        ChatCompletionStream decoder = new ChatCompletionStream(settings.model(), deltas, OpenAiDefaults.MAX_RESPONSE_BYTES);
        HttpResponse.BodyHandler<Object> handler = info -> {
            boolean events = info.statusCode() >= 200 && info.statusCode() < 300 && info.headers()
                    .firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).startsWith("text/event-stream");
            return events
                    ? HttpResponse.BodySubscribers.mapping(new StreamingBody(decoder, idle), reply -> (Object) reply)
                    : HttpResponse.BodySubscribers.mapping(
                            new BoundedBodyHandler(OpenAiDefaults.MAX_RESPONSE_BYTES).apply(info), text -> (Object) text);
        };
        return exchange(request, true, parent, handler, response -> {
            if (response.body() instanceof GeneratedReply streamed) {
                return streamed;
            }
            GeneratedReply whole = answer(response.statusCode(), response.headers(), (String) response.body(), request);
            if (!whole.content().isEmpty()) {
                deltas.delta(whole.content()); // a whole completion: one piece
            }
            return whole;
        }, response -> ProviderCallTelemetry.Usage.NONE);
    }

    /**
     * Sends the attempt's request and completes the returned stage with what {@code outcome} makes of the
     * response (it throws {@link ParleyException} for a failure), or with the transport's failure; the
     * call's span and metrics end either way ({@code usage}: the tokens the response reports). Cancelling
     * the returned stage drops the exchange (the connection is closed, a body being read stops).
     */
    private <T> CompletionStage<GeneratedReply> exchange(GenerationRequest request, boolean stream, Context parent,
            HttpResponse.BodyHandler<T> handler, Function<HttpResponse<T>, GeneratedReply> outcome,
            Function<HttpResponse<T>, ProviderCallTelemetry.Usage> usage) {
        CompletableFuture<GeneratedReply> result = new CompletableFuture<>();
        HttpRequest.Builder builder;
        try {
            builder = httpRequest(request, stream);
        } catch (RuntimeException e) {
            result.completeExceptionally(ChatCompletionsResponses.transportFailure(e));
            return result;
        }
        ProviderCallTelemetry.Call call = traces.start(parent, builder);
        CompletableFuture<HttpResponse<T>> sent = http.sendAsync(builder.build(), handler);
        result.whenComplete((reply, error) -> {
            if (result.isCancelled()) {
                sent.cancel(true);
            }
        });
        sent.whenComplete((response, error) -> {
            GeneratedReply reply = null;
            ParleyException failed = null;
            try {
                if (error != null) {
                    failed = ChatCompletionsResponses.transportFailure(error);
                } else {
                    reply = outcome.apply(response);
                }
            } catch (ParleyException failure) {
                failed = failure;
            } catch (RuntimeException unexpected) {
                failed = ChatCompletionsResponses.transportFailure(unexpected);
            }
            call.end(response == null ? null : response.headers(), response == null ? 0 : response.statusCode(),
                    response == null || reply == null ? ProviderCallTelemetry.Usage.NONE : usage.apply(response),
                    reply, failed);
            if (failed != null) {
                result.completeExceptionally(failed);
            } else {
                result.complete(reply);
            }
        });
        return result;
    }

    /** A whole (non-streamed) answer: the reply, or its failure; a rejection is reported once. */
    private GeneratedReply answer(int status, HttpHeaders headers, String body, GenerationRequest request) {
        try {
            return ChatCompletionsResponses.reply(status, headers, body, settings.model(), clock);
        } catch (ProviderRejectedException rejected) {
            report(rejected, body, request);
            throw rejected;
        }
    }

    private HttpRequest.Builder httpRequest(GenerationRequest request, boolean stream) {
        String body = ChatPrompt.body(settings.model(), request, settings.maxHistoryChars(), settings.maxTokens(), stream)
                .toString();
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.chatCompletionsUri())
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        settings.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder;
    }

    private void report(ProviderRejectedException rejected, String responseBody, GenerationRequest request) {
        List<String> known = new ArrayList<>();
        settings.apiKey().ifPresent(known::add);
        known.add(request.persona().systemPrompt());
        request.history().forEach(message -> known.add(message.content()));
        known.add(request.userMessage().content());
        String detail = ChatCompletionsResponses.errorMessage(responseBody)
                .map(message -> Redaction.scrub(message, known))
                .orElse("");
        telemetry.emit(TelemetryEvent.warning("ai_provider_rejected")
                .requestId(request.requestId().orElse(null))
                .chat(request.chatId())
                .with("status", rejected.status())
                .with("model", settings.model())
                .with("detail", detail)
                .build());
    }
}
