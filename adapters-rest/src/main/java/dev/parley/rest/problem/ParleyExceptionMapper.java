package dev.parley.rest.problem;

import dev.parley.domain.error.ParleyException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every failure of the core, as the problem of its code, logged once ({@link ServerErrorLog}). */
@Provider
public class ParleyExceptionMapper implements ExceptionMapper<ParleyException> {
    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(ParleyException e) {
        RequestInfo info = RequestInfo.from(request);
        Problem problem = DomainProblems.of(e, info.locale());
        ServerErrorLog.answered(problem, info, e);
        return ProblemResponses.toResponse(problem, info);
    }
}
