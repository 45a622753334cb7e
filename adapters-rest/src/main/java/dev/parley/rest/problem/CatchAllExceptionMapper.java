package dev.parley.rest.problem;

import jakarta.json.bind.JsonbException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last line: anything unexpected becomes a bare 500 problem with no internal detail, and is
 * logged with its stack trace under the request id. An unreadable JSON body is a 400.
 */
@Provider
public class CatchAllExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(CatchAllExceptionMapper.class.getName());

    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(Throwable e) {
        RequestInfo info = RequestInfo.from(request);
        if (isUnreadableBody(e)) {
            return ProblemResponses.toResponse(TransportProblems.forStatus(400, info.locale()), info);
        }
        LOG.log(Level.SEVERE, "request " + info.requestId() + " failed unexpectedly", e);
        return ProblemResponses.toResponse(DomainProblems.internal(info.locale()), info);
    }

    /**
     * A body that is not JSON (or not of the expected shape) fails inside the JSON-B provider's
     * {@code MessageBodyReader.readFrom}; Liberty reports it as a bare {@link JsonbException}, the
     * same type as a failure to write a response (our fault, a 500). The reader's frame on the
     * stack tells the two apart.
     */
    private static boolean isUnreadableBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonbException || t instanceof jakarta.json.stream.JsonParsingException
                    || t instanceof ProcessingException) {
                for (StackTraceElement frame : t.getStackTrace()) {
                    if ("readFrom".equals(frame.getMethodName())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
