package it.dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.rest.openapi.ProblemCatalogueFilter;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The contract check itself, on hand-built responses against the WAR's {@code META-INF/openapi.yaml}
 * (with the catalogue's codes put in as {@link ProblemCatalogueFilter} does when Liberty serves it):
 * what keeps the contract passes, and each way of breaking it is caught.
 */
class ApiContractTest {
    private static final String CHAT = "8d3c8f5e-5a49-4f4c-9a53-0c2d4b3f1e11";
    private static final String USER_MESSAGE = "{\"id\":\"0b3f3c4e-1d2a-4c55-8e0f-7c6b5a4d3e21\",\"chatId\":\"" + CHAT
            + "\",\"role\":\"user\",\"content\":\"Ahoy\",\"status\":\"completed\",\"createdAt\":\"2026-12-01T10:00:00Z\"}";
    private static final String REPLY = "{\"id\":\"1c4f3c4e-1d2a-4c55-8e0f-7c6b5a4d3e22\",\"chatId\":\"" + CHAT
            + "\",\"role\":\"assistant\",\"content\":\"Aye\",\"status\":\"completed\",\"replyTo\":"
            + "\"0b3f3c4e-1d2a-4c55-8e0f-7c6b5a4d3e21\",\"createdAt\":\"2026-12-01T10:00:01Z\"}";
    private static final String RETRY_META = "{\"attempts\":1,\"retries\":0,\"backoffMs\":[],\"totalDurationMs\":3,"
            + "\"breakerState\":\"CLOSED\"}";
    private static final String SUCCESS = "{\"userMessage\":" + USER_MESSAGE + ",\"assistantMessage\":" + REPLY
            + ",\"tokensCharged\":1,\"tokenBalance\":99,\"retryMeta\":" + RETRY_META + "}";

    private static final ApiContract CONTRACT = ApiContract.of(documentWithCatalogue());

    static JsonNode documentWithCatalogue() {
        try (InputStream yaml = ApiContractTest.class.getResourceAsStream("/META-INF/openapi.yaml")) {
            JsonNode document = YAMLMapper.builder().build().readTree(yaml);
            ArrayNode codes = ((ObjectNode) document.at("/components/schemas/ErrorCode")).putArray("enum");
            ProblemCatalogueFilter.codes().forEach(codes::add);
            return document;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Exchange response(String method, String path, int status, String contentType, String body,
            String... headers) {
        Map<String, List<String>> all = new java.util.HashMap<>();
        all.put("X-Request-Id", List.of("req-1"));
        if (contentType != null) {
            all.put("Content-Type", List.of(contentType));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                all.remove(headers[i]);
            } else {
                all.put(headers[i], List.of(headers[i + 1]));
            }
        }
        return new Exchange(method, path, null, status, all, body);
    }

    private static String problem(String code, int status, String... members) {
        StringBuilder json = new StringBuilder("{\"type\":\"urn:parley:problem:" + code.toLowerCase().replace('_', '-')
                + "\",\"title\":\"t\",\"status\":" + status + ",\"detail\":\"d\",\"instance\":\"/api/x\",\"code\":\""
                + code + "\",\"retryable\":false,\"requestId\":\"req-1\"");
        for (String member : members) {
            json.append(',').append(member);
        }
        return json.append('}').toString();
    }

    private static List<String> violations(Exchange exchange) {
        return CONTRACT.violations(exchange);
    }

    @Test
    void responsesThatKeepTheContractPass() {
        assertThat(violations(response("POST", "/api/chats/" + CHAT + "/messages", 201, "application/json", SUCCESS)))
                .isEmpty();
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/messages", 404,
                "application/problem+json;charset=UTF-8", problem("CHAT_NOT_FOUND", 404), "Content-Language", "zh")))
                .isEmpty();
        assertThat(violations(response("POST", "/api/chats/" + CHAT + "/messages", 503,
                "application/problem+json;charset=UTF-8",
                problem("CIRCUIT_OPEN", 503, "\"retryAfterSeconds\":4", "\"chatId\":\"" + CHAT + "\"",
                        "\"retryMeta\":" + RETRY_META), "Retry-After", "4"))).isEmpty();
        assertThat(violations(response("GET", "/api/personas", 200, "application/json",
                "[{\"id\":\"00000000-0000-4000-8000-00000000a001\",\"name\":\"Captain Mira\",\"description\":\"d\"}]")))
                .isEmpty();
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/events", 200, "text/event-stream", "")))
                .isEmpty();
        assertThat(violations(response("GET", "/api/no-such-thing", 404, "application/problem+json",
                problem("NOT_FOUND", 404)))).as("an unknown path answered 404 NOT_FOUND").isEmpty();
        assertThat(violations(response("DELETE", "/api/personas", 405, "application/problem+json",
                problem("METHOD_NOT_ALLOWED", 405)))).as("a wrong method answered 405").isEmpty();
        assertThat(violations(response("GET", "/app.css", 200, "text/css", "body{}"))).as("not the API").isEmpty();
    }

    @Test
    void anUndocumentedStatusIsCaught() {
        assertThat(violations(response("GET", "/api/me", 418, "application/problem+json",
                problem("INTERNAL_ERROR", 418)))).singleElement().asString()
                .contains("status 418 is not documented for GET /api/me");
    }

    @Test
    void aProblemMissingAMemberOrWithAnotherStatusCodeIsCaught() {
        String noCode = problem("CHAT_NOT_FOUND", 404).replace(",\"code\":\"CHAT_NOT_FOUND\"", "");
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/messages", 404, "application/problem+json",
                noCode))).anySatisfy(v -> assertThat(v).contains("code"));
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/messages", 404, "application/problem+json",
                problem("VALIDATION_FAILED", 404)))).as("a 404 that names a 400 code").isNotEmpty();
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/messages", 400, "application/problem+json",
                problem("VALIDATION_FAILED", 400, "\"stackTrace\":\"at ...\"")))).as("an undocumented member")
                .anySatisfy(v -> assertThat(v).contains("stackTrace"));
    }

    @Test
    void aCodeOutsideTheCatalogueIsCaught() {
        String failed = USER_MESSAGE.replace("\"status\":\"completed\"", "\"status\":\"failed\",\"errorCode\":\"OOPS\"");
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/messages", 200, "application/json",
                "{\"items\":[" + failed + "],\"offset\":0,\"limit\":50}")))
                .anySatisfy(v -> assertThat(v).contains("errorCode"));
    }

    @Test
    void aBodyOfTheWrongShapeIsCaught() {
        String noBalance = SUCCESS.replace(",\"tokenBalance\":99", "");
        assertThat(violations(response("POST", "/api/chats/" + CHAT + "/messages", 201, "application/json", noBalance)))
                .anySatisfy(v -> assertThat(v).contains("tokenBalance"));
        String stringStatus = SUCCESS.replace("\"tokensCharged\":1", "\"tokensCharged\":\"1\"");
        assertThat(violations(response("POST", "/api/chats/" + CHAT + "/messages", 201, "application/json",
                stringStatus))).anySatisfy(v -> assertThat(v).contains("tokensCharged"));
        assertThat(violations(response("GET", "/api/me", 200, "application/json", "not json")))
                .anySatisfy(v -> assertThat(v).contains("not JSON"));
    }

    @Test
    void aMissingOrMalformedRequiredHeaderIsCaught() {
        String limited = problem("AI_RATE_LIMITED", 429);
        assertThat(violations(response("POST", "/api/chats/" + CHAT + "/messages", 429, "application/problem+json",
                limited))).anySatisfy(v -> assertThat(v).contains("Retry-After is missing"));
        assertThat(violations(response("POST", "/api/chats/" + CHAT + "/messages", 429, "application/problem+json",
                limited, "Retry-After", "soon"))).anySatisfy(v -> assertThat(v).contains("not an integer"));
        assertThat(violations(response("GET", "/api/personas", 200, "application/json", "[]", "X-Request-Id", null)))
                .anySatisfy(v -> assertThat(v).contains("X-Request-Id is missing"));
    }

    @Test
    void anUndocumentedContentTypeIsCaught() {
        assertThat(violations(response("GET", "/api/chats/" + CHAT + "/messages", 404, "text/html",
                "<html>Not Found</html>"))).anySatisfy(v -> assertThat(v).contains("Content-Type 'text/html'"));
        assertThat(violations(response("GET", "/api/me", 200, "application/problem+json", "{}")))
                .anySatisfy(v -> assertThat(v).contains("is not documented"));
    }

    @Test
    void anUnknownPathOrMethodMustBeTheTransportProblem() {
        assertThat(violations(response("GET", "/api/secret-admin", 200, "application/json", "{}")))
                .anySatisfy(v -> assertThat(v).contains("must be 404 NOT_FOUND"));
        assertThat(violations(response("DELETE", "/api/personas", 405, "text/html", "<h1>405</h1>")))
                .anySatisfy(v -> assertThat(v).contains("application/problem+json"));
    }

    @Test
    void eventsAreCheckedAgainstTheirDataSchemas() {
        assertThat(CONTRACT.violations(new Exchanges.ServerEvent("typing",
                "{\"chatId\":\"" + CHAT + "\",\"active\":false,\"requestId\":\"r-1\",\"errorCode\":\"AI_PROVIDER_TIMEOUT\"}")))
                .isEmpty();
        assertThat(CONTRACT.violations(new Exchanges.ServerEvent("message", REPLY))).isEmpty();
        assertThat(CONTRACT.violations(new Exchanges.ServerEvent("typing",
                "{\"chatId\":\"" + CHAT + "\",\"active\":true}"))).anySatisfy(v -> assertThat(v).contains("requestId"));
        assertThat(CONTRACT.violations(new Exchanges.ServerEvent("message",
                REPLY.replace("\"completed\"", "\"done\"")))).anySatisfy(v -> assertThat(v).contains("status"));
        assertThat(CONTRACT.violations(new Exchanges.ServerEvent("balance", "{}")))
                .anySatisfy(v -> assertThat(v).contains("event 'balance' is not documented"));
    }
}
