package it.dev.parley.contract;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API contract: an OpenAPI 3.1 document, and what it says about one {@link Exchange}. A response to
 * a documented operation must have a documented status (exact, {@code 4XX} or {@code default}), every
 * required header with a value its schema accepts, a documented {@code Content-Type} and a body its
 * schema accepts (JSON Schema 2020-12 in the OpenAPI 3.1 dialect, by networknt's validator); a response
 * that documents no content must have no body. A path under {@code /api} that the document does not
 * list must be answered with the problem {@code 404 NOT_FOUND}, a listed path with an unlisted method
 * with {@code 405 METHOD_NOT_ALLOWED}. Paths outside {@code /api} (the web client, health, the document
 * itself) are not the API's and are not checked.
 */
public final class ApiContract {
    private static final String IRI = "https://contract.parley.invalid/openapi.json";
    /** Where this class keeps a copy of every schema it validates with, so each has a plain JSON pointer. */
    private static final String CHECKS = "x-contract-checks";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonNode document;
    private final List<Route> routes = new ArrayList<>();
    private final Map<JsonNode, Integer> checkIndex = new IdentityHashMap<>();
    private final Map<Integer, Schema> compiled = new ConcurrentHashMap<>();
    private final SchemaRegistry registry;
    private final JsonNode problemSchema;
    /** The schema of each event's data, by event name, from the {@code x-parley-events} of event streams. */
    private final Map<String, JsonNode> eventSchemas = new java.util.TreeMap<>();

    private record Route(String template, Pattern pattern, JsonNode item) {
    }

    private ApiContract(JsonNode original) {
        ObjectNode copy = (ObjectNode) original.deepCopy();
        ArrayNode checks = copy.putArray(CHECKS);
        this.document = copy;
        JsonNode paths = copy.path("paths");
        for (String template : paths.propertyNames()) {
            JsonNode item = paths.get(template);
            routes.add(new Route(template, Pattern.compile(
                    "\\Q" + template.replaceAll("\\{[^/}]+}", "\\\\E[^/]+\\\\Q") + "\\E"), item));
            for (String method : METHODS) {
                JsonNode responses = item.path(method).path("responses");
                for (String status : responses.propertyNames()) {
                    JsonNode response = resolve(responses.get(status));
                    for (JsonNode header : response.path("headers")) {
                        register(checks, resolve(header).path("schema"));
                    }
                    for (JsonNode media : response.path("content")) {
                        register(checks, media.path("schema"));
                        JsonNode events = media.path("x-parley-events");
                        for (String event : events.propertyNames()) {
                            eventSchemas.put(event, events.get(event));
                            register(checks, events.get(event));
                        }
                    }
                }
            }
        }
        problemSchema = copy.at("/components/schemas/Problem");
        if (problemSchema.isMissingNode()) {
            throw new IllegalArgumentException("the API document has no components.schemas.Problem");
        }
        register(checks, problemSchema);
        String text = JSON.writeValueAsString(copy);
        registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(IRI, text)));
    }

    /** The contract a parsed OpenAPI 3.1 document (JSON or YAML read into a tree) states. */
    public static ApiContract of(JsonNode document) {
        String version = document.path("openapi").asString("");
        if (!version.startsWith("3.1")) {
            throw new IllegalArgumentException("expected an OpenAPI 3.1 document, got openapi: " + version);
        }
        return new ApiContract(document);
    }

    /** The document this contract checks against (with this class's copies of its schemas). */
    public JsonNode document() {
        return document;
    }

    /** What is wrong with {@code exchange} according to the document; empty when it keeps the contract. */
    public List<String> violations(Exchange exchange) {
        List<String> found = new ArrayList<>();
        String path = exchange.path();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return found;
        }
        Route route = routes.stream().filter(r -> r.pattern().matcher(path).matches()).findFirst().orElse(null);
        if (route == null) {
            expectRefusal(exchange, 404, "NOT_FOUND", "the path is not in the API document", found);
            return found;
        }
        JsonNode operation = route.item().get(exchange.method().toLowerCase(Locale.ROOT));
        if (operation == null) {
            if (!exchange.method().equals("HEAD") && !exchange.method().equals("OPTIONS")) {
                expectRefusal(exchange, 405, "METHOD_NOT_ALLOWED",
                        exchange.method() + " is not documented for " + route.template(), found);
            }
            return found;
        }
        String where = exchange.method() + " " + route.template();
        JsonNode responses = operation.path("responses");
        String status = Integer.toString(exchange.status());
        JsonNode response = responses.get(status);
        if (response == null) {
            response = responses.get(status.charAt(0) + "XX");
        }
        if (response == null) {
            response = responses.get("default");
        }
        if (response == null) {
            found.add("status " + status + " is not documented for " + where + " (documented: "
                    + String.join(", ", responses.propertyNames()) + ")");
            return found;
        }
        checkResponse(exchange, resolve(response), where + " " + status, found);
        return found;
    }

    /** What is wrong with an event of an event stream: an undocumented name, or data its schema refuses. */
    public List<String> violations(Exchanges.ServerEvent event) {
        List<String> found = new ArrayList<>();
        JsonNode schema = eventSchemas.get(event.name());
        if (schema == null) {
            found.add("event '" + event.name() + "' is not documented (documented: " + eventSchemas.keySet() + ")");
            return found;
        }
        try {
            validate(schema, JSON.readTree(event.data()), "data", "event " + event.name(), found);
        } catch (JacksonException e) {
            found.add("the data is not JSON (event " + event.name() + "): " + e.getOriginalMessage());
        }
        return found;
    }

    private void checkResponse(Exchange exchange, JsonNode response, String where, List<String> found) {
        JsonNode headers = response.path("headers");
        for (String name : headers.propertyNames()) {
            JsonNode header = resolve(headers.get(name));
            String value = exchange.header(name).orElse(null);
            if (value == null) {
                if (header.path("required").asBoolean(false)) {
                    found.add("required header " + name + " is missing (" + where + ")");
                }
                continue;
            }
            JsonNode schema = header.path("schema");
            JsonNode instance;
            if ("integer".equals(resolve(schema).path("type").asString(""))) {
                try {
                    instance = JsonNodeFactory.instance.numberNode(Long.parseLong(value.strip()));
                } catch (NumberFormatException e) {
                    found.add("header " + name + ": '" + value + "' is not an integer (" + where + ")");
                    continue;
                }
            } else {
                instance = JsonNodeFactory.instance.stringNode(value);
            }
            validate(schema, instance, "header " + name, where, found);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!exchange.body().isEmpty()) {
                found.add("a body where the document says there is none (" + where + ")");
            }
            return;
        }
        String mediaType = exchange.mediaType();
        JsonNode media = content.get(mediaType);
        if (media == null) {
            found.add("Content-Type '" + exchange.header("Content-Type").orElse("") + "' is not documented ("
                    + where + "; documented: " + String.join(", ", content.propertyNames()) + ")");
            return;
        }
        if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
            JsonNode body;
            try {
                body = JSON.readTree(exchange.body());
            } catch (JacksonException e) {
                found.add("the body is not JSON (" + where + "): " + e.getOriginalMessage());
                return;
            }
            validate(media.path("schema"), body, "body", where, found);
        }
    }

    /**
     * An undocumented path or method of the API is refused with {@code status}, or, first, with 401
     * UNAUTHENTICATED (and {@code WWW-Authenticate}): every {@code /api} request but the public ones
     * needs a credential before anything else is looked at, so an anonymous caller learns nothing
     * about which paths exist (the document's 401 responses say so).
     */
    private void expectRefusal(Exchange exchange, int status, String code, String why, List<String> found) {
        if (exchange.status() == 401) {
            if (exchange.header("WWW-Authenticate").isEmpty()) {
                found.add("required header WWW-Authenticate is missing (401)");
            }
            expectTransportProblem(exchange, 401, "UNAUTHENTICATED", why, found);
            return;
        }
        expectTransportProblem(exchange, status, code, why, found);
    }

    private void expectTransportProblem(Exchange exchange, int status, String code, String why, List<String> found) {
        if (exchange.status() != status) {
            found.add(why + ", so the answer must be " + status + " " + code + ", not " + exchange.status());
            return;
        }
        if (!exchange.mediaType().equals("application/problem+json")) {
            found.add("a " + status + " must be application/problem+json, not '"
                    + exchange.header("Content-Type").orElse("") + "'");
            return;
        }
        if (exchange.header("X-Request-Id").isEmpty()) {
            found.add("required header X-Request-Id is missing (" + status + ")");
        }
        try {
            JsonNode body = JSON.readTree(exchange.body());
            validate(problemSchema, body, "body", Integer.toString(status), found);
            if (!code.equals(body.path("code").asString(""))) {
                found.add("the problem's code must be " + code + " (" + status + ")");
            }
        } catch (JacksonException e) {
            found.add("the body is not JSON (" + status + "): " + e.getOriginalMessage());
        }
    }

    private void validate(JsonNode schemaNode, JsonNode instance, String what, String where, List<String> found) {
        Integer index = checkIndex.get(schemaNode);
        if (index == null) {
            throw new IllegalStateException("schema not registered: " + schemaNode);
        }
        Schema schema = compiled.computeIfAbsent(index,
                i -> registry.getSchema(SchemaLocation.of(IRI + "#/" + CHECKS + "/" + i)));
        for (Error error : schema.validate(instance)) {
            found.add(what + " " + error.getInstanceLocation() + ": " + error.getMessage() + " (" + where + ")");
        }
    }

    private void register(ArrayNode checks, JsonNode schema) {
        if (!schema.isMissingNode() && !checkIndex.containsKey(schema)) {
            checkIndex.put(schema, checks.size());
            checks.add(schema.deepCopy());
        }
    }

    /** Follows local {@code $ref}s ({@code #/components/...}) to the node they name. */
    private JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; hops < 16 && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asString();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local references are supported: " + ref);
            }
            current = document.at(ref.substring(1));
            if (current.isMissingNode()) {
                throw new IllegalArgumentException("dangling reference " + ref);
            }
        }
        return current;
    }
}
