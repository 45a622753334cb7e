package dev.parley.rest.problem;

import jakarta.json.bind.JsonbException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The last line: anything unexpected becomes a bare 500 problem with no internal detail, and is
 * logged once with its stack trace under the request id ({@link ServerErrorLog}). An unreadable
 * JSON body is a 400; a body that grew past the limit while it was read is a 413.
 */
@Provider
public class CatchAllExceptionMapper implements ExceptionMapper<Throwable> {
    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(Throwable e) {
        RequestInfo info = RequestInfo.from(request);
        Problem problem;
        if (BodySizeLimitFilter.isBodyTooLarge(e)) {
            problem = TransportProblems.forStatus(413, info.locale());
        } else if (isUnreadableBody(e)) {
            problem = TransportProblems.forStatus(400, info.locale());
        } else {
            problem = DomainProblems.internal(info.locale());
        }
        ServerErrorLog.answered(problem, info, e);
        return ProblemResponses.toResponse(problem, info);
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
