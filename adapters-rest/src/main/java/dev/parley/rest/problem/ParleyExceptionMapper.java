package dev.parley.rest.problem;

import dev.parley.domain.error.ParleyException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure of the core, as the problem of its code. */
@Provider
public class ParleyExceptionMapper implements ExceptionMapper<ParleyException> {
    private static final Logger LOG = Logger.getLogger(ParleyExceptionMapper.class.getName());

    @Context
    HttpServletRequest request;

    @Override
    public Response toResponse(ParleyException e) {
        RequestInfo info = RequestInfo.from(request);
        Problem problem = DomainProblems.of(e, info.locale());
        if (problem.status() >= 500) {
            LOG.log(Level.WARNING, "request " + info.requestId() + " failed with " + e.code(), e);
        } else {
            LOG.fine(() -> "request " + info.requestId() + " refused: " + e.code());
        }
        return ProblemResponses.toResponse(problem, info);
    }
}
