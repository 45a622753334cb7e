package dev.parley.rest.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Puts the security headers on every response of the WAR: the API's JSON, problem+json (including
 * the container's error pages, hence the {@code ERROR} dispatch), the web client's static files and
 * the event streams (hence {@code asyncSupported}). They are set before the rest of the chain runs, so
 * they are in place before anything commits the response.
 *
 * <p>The Content-Security-Policy is the web client's: everything from this origin only, no inline
 * script or style, and no framing by any page ({@code frame-ancestors}, which only a header can set).
 * On a JSON response it changes nothing but forbids framing. Liberty's {@code X-Powered-By} is turned
 * off in {@code server.xml}.
 */
@WebFilter(filterName = "security-headers", urlPatterns = "/*", asyncSupported = true,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ERROR})
public class SecurityHeadersFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }
}
