package dev.parley.rest.security;

import dev.parley.application.user.ResolveCallerCommand;
import dev.parley.application.user.ResolveCallerUseCase;
import dev.parley.domain.chat.ChatId;
import dev.parley.domain.error.ErrorCode;
import dev.parley.domain.error.ParleyException;
import dev.parley.rest.problem.DomainProblems;
import dev.parley.rest.problem.Problem;
import dev.parley.rest.problem.ProblemResponses;
import dev.parley.rest.problem.RequestInfo;
import dev.parley.rest.problem.ServerErrorLog;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.security.Principal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Decides who calls each {@code /api} request before anything else runs
 * (docs/architecture.md#identity):
 *
 * <ul>
 *   <li>{@code GET /api/personas} and {@code /api/auth/dev-login} need nobody;</li>
 *   <li>{@code GET /api/chats/{chatId}/events?ticket=...} without an {@code Authorization} header is
 *       the ticket's caller ({@link EventTickets});</li>
 *   <li>everything else needs {@code Authorization: Bearer <JWT>}. The token is verified by Liberty's
 *       MicroProfile JWT feature ({@code request.authenticate}: signature against the trusted keys,
 *       issuer, expiry; {@code alg: none} is never accepted), then its subject is resolved to the user,
 *       who is provisioned on first sight ({@link ResolveCallerUseCase}).</li>
 * </ul>
 *
 * A request without a usable credential is answered 401 {@code UNAUTHENTICATED} (problem+json,
 * localized, {@code WWW-Authenticate: Bearer}) before any use case runs, so it writes nothing.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class BearerAuthentication implements ContainerRequestFilter {
    private static final Pattern EVENTS = Pattern.compile("/?chats/([^/]+)/events/?");
    private static final String BEARER = "Bearer ";

    @Context
    HttpServletRequest request;
    @Context
    HttpServletResponse response;
    @Inject
    ResolveCallerUseCase resolveCaller;
    @Inject
    EventTickets tickets;

    @Override
    public void filter(ContainerRequestContext context) throws IOException {
        // the servlet's view of the path: the JAX-RS UriInfo refuses to parse some hostile paths
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String method = context.getMethod();
        if (isPublic(method, path)) {
            return;
        }
        String authorization = context.getHeaderString(HttpHeaders.AUTHORIZATION);
        Matcher events = EVENTS.matcher(path);
        String ticket = HttpMethod.GET.equals(method) && events.matches() ? ticket(request.getQueryString()) : null;
        Optional<Caller> caller;
        if (authorization == null && ticket != null) {
            caller = chatId(events.group(1)).flatMap(chat -> tickets.redeem(ticket, chat));
        } else {
            caller = bearer(authorization);
        }
        if (caller.isEmpty()) {
            context.abortWith(unauthenticated(authorization != null || ticket != null));
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
    }

    /** The {@code ticket} query parameter as sent (a ticket is base64url: nothing to decode), or null. */
    static String ticket(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("ticket=")) {
                return pair.substring("ticket=".length());
            }
        }
        return null;
    }

    static boolean isPublic(String method, String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals("auth/dev-login") || p.equals("personas") && HttpMethod.GET.equals(method);
    }

    private Optional<Caller> bearer(String authorization) throws IOException {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        try {
            if (!request.authenticate(response)) {
                return Optional.empty();
            }
        } catch (ServletException refused) {
            return Optional.empty();
        }
        Principal principal = request.getUserPrincipal();
        if (!(principal instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Caller(resolveCaller.resolve(new ResolveCallerCommand(text(jwt.getSubject()),
                    text(jwt.getClaim("name")), text(jwt.getClaim("preferred_username")),
                    text(jwt.getClaim("locale")))), Instant.ofEpochSecond(jwt.getExpirationTime())));
        } catch (ParleyException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                return Optional.empty(); // a verified token whose subject this service cannot keep
            }
            throw e;
        }
    }

    private static Optional<ChatId> chatId(String text) {
        try {
            return Optional.of(new ChatId(UUID.fromString(text)));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    private static String text(Object claim) {
        if (claim instanceof JsonString json) {
            return json.getString();
        }
        return claim instanceof String s ? s : null;
    }

    private Response unauthenticated(boolean credentialPresented) {
        RequestInfo info = RequestInfo.from(request);
        Problem problem = DomainProblems.of(
                new ParleyException(ErrorCode.UNAUTHENTICATED, "no valid credential"),
                info.locale());
        ServerErrorLog.answered(problem, info, null);
        return Response.fromResponse(ProblemResponses.toResponse(problem, info))
                .header(HttpHeaders.WWW_AUTHENTICATE, credentialPresented
                        ? "Bearer realm=\"parley\", error=\"invalid_token\"" : "Bearer realm=\"parley\"")
                .build();
    }
}
