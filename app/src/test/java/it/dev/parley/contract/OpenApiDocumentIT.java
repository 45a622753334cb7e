package it.dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.rest.openapi.ProblemCatalogueFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The document Liberty serves at {@code /openapi}: OpenAPI 3.1 built from the WAR's
 * {@code META-INF/openapi.yaml}, with the error catalogue's codes taken from the code by
 * {@link ProblemCatalogueFilter}, and every code a response names in that catalogue.
 */
class OpenApiDocumentIT {
    private final JsonNode document = ContractCheck.fetch().document();

    @Test
    void theServedDocumentIsParleysOpenApi31Contract() {
        assertThat(document.path("openapi").asString()).startsWith("3.1");
        assertThat(document.at("/info/title").asString()).isEqualTo("Parley API");
        assertThat(document.path("paths").propertyNames()).contains("/api/me", "/api/personas", "/api/chats",
                "/api/chats/{chatId}/messages", "/api/chats/{chatId}/events", "/api/chats/{chatId}/events/ticket",
                "/api/auth/dev-login");
        assertThat(document.at("/components/securitySchemes/bearerAuth/scheme").asString()).isEqualTo("bearer");
        assertThat(document.at("/components/securitySchemes/bearerAuth/bearerFormat").asString()).isEqualTo("JWT");
    }

    @Test
    void theErrorCodesAreTheCatalogueOfTheCode() {
        List<String> served = new ArrayList<>();
        document.at("/components/schemas/ErrorCode/enum").forEach(code -> served.add(code.asString()));
        assertThat(served).containsExactlyElementsOf(ProblemCatalogueFilter.codes());
    }

    @Test
    void everyCodeAResponseNamesIsInTheCatalogue() {
        Set<String> named = new TreeSet<>();
        for (JsonNode response : document.at("/components/responses")) {
            for (JsonNode part : response.at("/content/application~1problem+json/schema/allOf")) {
                part.at("/properties/code/enum").forEach(code -> named.add(code.asString()));
            }
        }
        assertThat(named).contains("CHAT_NOT_FOUND", "UNAUTHENTICATED", "USER_RATE_LIMITED");
        Set<String> unknown = new TreeSet<>(named);
        unknown.removeAll(ProblemCatalogueFilter.codes());
        assertThat(unknown).as("codes the document names that the catalogue lacks").isEmpty();
    }
}
