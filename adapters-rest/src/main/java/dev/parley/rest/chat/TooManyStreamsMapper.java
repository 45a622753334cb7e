package dev.parley.rest.chat;

import dev.parley.rest.problem.Problem;
import dev.parley.rest.problem.ProblemResponses;
import dev.parley.rest.problem.RequestInfo;
import dev.parley.rest.problem.ServerErrorLog;
import dev.parley.rest.problem.TransportProblems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A refused event stream: 429 {@code TOO_MANY_STREAMS} with {@code Retry-After}. */
@Provider
public class TooManyStreamsMapper implements ExceptionMapper<TooManyStreamsException> {
    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(TooManyStreamsException e) {
        RequestInfo info = RequestInfo.from(request);
        Problem problem = TransportProblems.forStatus(429, info.locale());
        ServerErrorLog.answered(problem, info, e);
        return ProblemResponses.toResponse(problem, info);
    }
}
