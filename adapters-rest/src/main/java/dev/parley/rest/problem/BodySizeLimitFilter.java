package dev.parley.rest.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies over {@value #MAX_BODY_BYTES} bytes with 413 PAYLOAD_TOO_LARGE: at once when
 * {@code Content-Length} says so, and while reading when a body without one (chunked) grows past the
 * limit. The reader then fails with {@link BodyTooLargeException}, which the JSON-B provider wraps
 * in its own exceptions; {@link CatchAllExceptionMapper} finds it in the cause chain
 * ({@link #isBodyTooLarge}). The largest legitimate body (a 4000-character message, 4 bytes per
 * character at worst) is far below the limit.
 */
@Provider
@PreMatching
public class BodySizeLimitFilter implements ContainerRequestFilter {
    public static final int MAX_BODY_BYTES = 64 * 1024;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > MAX_BODY_BYTES) {
            throw new WebApplicationException(Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedInputStream(request.getEntityStream()));
        }
    }

    /** Whether {@code failure} or one of its causes is a body that grew past the limit. */
    public static boolean isBodyTooLarge(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof BodyTooLargeException) {
                return true;
            }
            if (t instanceof WebApplicationException w && w.getResponse() != null
                    && w.getResponse().getStatus() == Response.Status.REQUEST_ENTITY_TOO_LARGE.getStatusCode()) {
                return true;
            }
        }
        return false;
    }

    /** A body stream that went past {@value #MAX_BODY_BYTES} bytes. */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        public BodyTooLargeException() {
            super("request body over " + MAX_BODY_BYTES + " bytes");
        }
    }

    private static final class LimitedInputStream extends FilterInputStream {
        private long read;

        LimitedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > MAX_BODY_BYTES) {
                throw new BodyTooLargeException();
            }
        }
    }
}
