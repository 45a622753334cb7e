package dev.parley.rest.openapi;

import dev.parley.domain.error.ErrorCode;
import dev.parley.rest.problem.TransportProblems;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Completes the served API contract ({@code META-INF/openapi.yaml} of the WAR) with the error
 * catalogue taken from the code: the values of the {@code ErrorCode} schema are the domain's
 * {@link ErrorCode}s followed by the transport-level codes of {@link TransportProblems}, so a code
 * added to either appears in the document without anyone editing it. Named by
 * {@code mp.openapi.filter}; MicroProfile OpenAPI runs it once, when it builds the document.
 */
public class ProblemCatalogueFilter implements OASFilter {
    /** The name of the schema of {@code Problem.code} in the document. */
    public static final String ERROR_CODE_SCHEMA = "ErrorCode";

    /** Every code a problem can carry: the domain's, then the transport's. */
    public static List<String> codes() {
        List<String> codes = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.name());
        }
        codes.addAll(TransportProblems.CODES);
        return List.copyOf(codes);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            throw new IllegalStateException("the API document has no components.schemas");
        }
        Schema errorCode = openAPI.getComponents().getSchemas().get(ERROR_CODE_SCHEMA);
        if (errorCode == null) {
            throw new IllegalStateException("the API document has no schema " + ERROR_CODE_SCHEMA);
        }
        errorCode.setEnumeration(new ArrayList<>(codes()));
    }
}
