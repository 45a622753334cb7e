package dev.parley.rest.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JAX-RS's own refusals (404 route, 405, 406, 415, unreadable body) as problems, never HTML. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(WebApplicationException e) {
        RequestInfo info = RequestInfo.from(request);
        int status = BodySizeLimitFilter.isBodyTooLarge(e) ? 413 : e.getResponse().getStatus();
        Problem problem = TransportProblems.forStatus(status, info.locale());
        ServerErrorLog.answered(problem, info, e);
        return ProblemResponses.toResponse(problem, info);
    }
}
