package dev.parley.rest.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/** Gives every request an id (the client's sane {@code X-Request-Id}, or a new one) and echoes it on the response. */
@Provider
@PreMatching
public class RequestIdFilter implements ContainerRequestFilter, ContainerResponseFilter {
    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext requestContext) {
        requestContext.setProperty(RequestInfo.REQUEST_ID_ATTRIBUTE, RequestInfo.requestId(request));
    }

    @Override
    public void filter(ContainerRequestContext requestContext, ContainerResponseContext responseContext) {
        Object id = requestContext.getProperty(RequestInfo.REQUEST_ID_ATTRIBUTE);
        if (id != null && !responseContext.getHeaders().containsKey(RequestInfo.REQUEST_ID_HEADER)) {
            responseContext.getHeaders().putSingle(RequestInfo.REQUEST_ID_HEADER, id);
        }
    }
}
