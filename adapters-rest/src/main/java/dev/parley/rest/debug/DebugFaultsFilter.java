package dev.parley.rest.debug;

import dev.parley.domain.chat.ChatId;
import dev.parley.rest.problem.RequestInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.UUID;

/**
 * Arms the {@value DebugFaults#HEADER} header of a request to an {@link ArmsDebugFaults} method for
 * the chat of its {@code {chatId}} path parameter, and disarms it when that request's response is
 * ready, success or problem, also when it is resumed asynchronously after the turn finished.
 *
 * <p>A malformed header, with debug enabled, fails the request with VALIDATION_FAILED on the
 * header's name before the resource method runs; with debug disabled the header is ignored (see
 * {@link DebugFaults}). A missing or malformed chat id arms nothing: the resource refuses it.
 */
@Provider
@ArmsDebugFaults
@ApplicationScoped
public class DebugFaultsFilter implements ContainerRequestFilter, ContainerResponseFilter {
    /** The request property holding what this request armed. */
    private static final String ARMED = DebugFaultsFilter.class.getName() + ".armed";
    private static final String CHAT_ID = "chatId";

    @Inject
    DebugFaults debugFaults;

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(DebugFaults.HEADER);
        if (header == null) {
            return;
        }
        Optional<ChatId> chat = chatOf(request);
        if (chat.isPresent()) {
            // the request id was assigned by the pre-matching RequestIdFilter, which runs before this filter
            Object requestId = request.getProperty(RequestInfo.REQUEST_ID_ATTRIBUTE);
            request.setProperty(ARMED, debugFaults.arm(chat.get(), requestId == null ? null : requestId.toString(),
                    header));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(ARMED) instanceof DebugFaults.Armed armed) {
            request.removeProperty(ARMED);
            armed.close();
        }
    }

    /**
     * For a response that starts before its request is done (a streamed reply: its response filters
     * run with its first event, while the turn still has attempts to make): takes what the request armed
     * away from this filter, and gives the disarming to the caller, who runs it when the request is
     * done. Does nothing (and disarms nothing) when the request armed nothing.
     */
    public static DebugFaults.Armed keepArmed(HttpServletRequest request) {
        Object armed = request.getAttribute(ARMED);
        request.removeAttribute(ARMED);
        return armed instanceof DebugFaults.Armed a ? a : DebugFaults.Armed.NOTHING;
    }

    private static Optional<ChatId> chatOf(ContainerRequestContext request) {
        String value = request.getUriInfo().getPathParameters().getFirst(CHAT_ID);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ChatId(UUID.fromString(value.strip())));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
