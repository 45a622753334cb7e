package dev.parley.rest.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The container's error page (see {@code web.xml}): whatever fails outside JAX-RS (an unknown
 * path, a servlet-level failure) is answered with the same problem+json as the API, never HTML,
 * and a 5xx is logged once with its cause ({@link ServerErrorLog}).
 */
@WebServlet(name = "problem-error-page", urlPatterns = "/parley-error")
public class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer code ? code : 500;
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        RequestInfo original = RequestInfo.from(request);
        RequestInfo info = new RequestInfo(original.requestId(), original.locale(),
                path instanceof String p ? p : original.path());
        // a 400 that reaches the error page is a request the JAX-RS runtime could not parse (a header), not a body
        Problem problem = status == 400 ? new Problem("VALIDATION_FAILED", 400, false, null,
                ProblemMessages.detail(info.locale(), "VALIDATION_FAILED"))
                : TransportProblems.forStatus(status, info.locale());
        Object cause = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        ServerErrorLog.answered(problem, info, cause instanceof Throwable t ? t : null);
        Response built = ProblemResponses.toResponse(problem, info);

        response.setStatus(built.getStatus());
        for (Map.Entry<String, List<Object>> header : built.getHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Content-Type")) {
                for (Object value : header.getValue()) {
                    response.setHeader(header.getKey(), String.valueOf(value));
                }
            }
        }
        response.setContentType(ProblemResponses.PROBLEM_JSON);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write((String) built.getEntity());
    }
}
