package it.dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The API document and the JAX-RS resources of the REST adapter name the same operations: every
 * resource method is documented with its path, query and header parameters, and every documented
 * operation has a resource method.
 */
class DocumentedEndpointsTest {
    private static final JsonNode DOCUMENT = ApiContractTest.documentWithCatalogue();

    private record Endpoint(String operation, Method method) {
    }

    private static List<Endpoint> resourceMethods() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.parley.rest");
        String root = classes.stream().filter(c -> c.isAnnotatedWith(ApplicationPath.class)).map(JavaClass::reflect)
                .map(c -> c.getAnnotation(ApplicationPath.class).value()).findFirst().orElseThrow();
        List<Endpoint> endpoints = new ArrayList<>();
        for (JavaClass javaClass : classes) {
            if (!javaClass.isAnnotatedWith(Path.class)) {
                continue;
            }
            Class<?> resource = javaClass.reflect();
            for (Method method : resource.getDeclaredMethods()) {
                String verb = httpMethod(method);
                if (verb != null) {
                    String path = join(root, resource.getAnnotation(Path.class).value(),
                            method.isAnnotationPresent(Path.class) ? method.getAnnotation(Path.class).value() : "");
                    endpoints.add(new Endpoint(verb + " " + path, method));
                }
            }
        }
        return endpoints;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    private static String join(String... parts) {
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            String trimmed = part.replaceAll("^/+|/+$", "");
            if (!trimmed.isEmpty()) {
                path.append('/').append(trimmed);
            }
        }
        return path.toString();
    }

    private static Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        JsonNode paths = DOCUMENT.path("paths");
        for (String path : paths.propertyNames()) {
            for (String verb : paths.get(path).propertyNames()) {
                if (List.of("get", "put", "post", "delete", "patch").contains(verb)) {
                    operations.add(verb.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        return operations;
    }

    @Test
    void everyResourceMethodIsDocumentedAndEveryDocumentedOperationExists() {
        Set<String> inCode = new TreeSet<>();
        resourceMethods().forEach(e -> inCode.add(e.operation()));
        Set<String> documented = documentedOperations();

        assertThat(inCode).as("JAX-RS operations the API document (META-INF/openapi.yaml) lacks")
                .isSubsetOf(documented);
        Set<String> notInCode = new TreeSet<>(documented);
        notInCode.removeAll(inCode);
        assertThat(notInCode).as("documented operations without a resource method").isEmpty();
    }

    @Test
    void everyParameterOfAResourceMethodIsDocumented() {
        for (Endpoint endpoint : resourceMethods()) {
            String[] verbAndPath = endpoint.operation().split(" ", 2);
            JsonNode item = DOCUMENT.path("paths").path(verbAndPath[1]);
            Set<String> documented = new HashSet<>();
            for (JsonNode list : List.of(item.path("parameters"),
                    item.path(verbAndPath[0].toLowerCase(Locale.ROOT)).path("parameters"))) {
                for (JsonNode parameter : list) {
                    JsonNode resolved = parameter.has("$ref")
                            ? DOCUMENT.at(parameter.get("$ref").asString().substring(1)) : parameter;
                    documented.add(resolved.path("in").asString() + " " + resolved.path("name").asString());
                }
            }
            for (Parameter parameter : endpoint.method().getParameters()) {
                String declared = parameter.isAnnotationPresent(QueryParam.class)
                        ? "query " + parameter.getAnnotation(QueryParam.class).value()
                        : parameter.isAnnotationPresent(HeaderParam.class)
                                ? "header " + parameter.getAnnotation(HeaderParam.class).value()
                                : parameter.isAnnotationPresent(PathParam.class)
                                        ? "path " + parameter.getAnnotation(PathParam.class).value() : null;
                if (declared != null) {
                    assertThat(documented).as("parameters documented for " + endpoint.operation()).contains(declared);
                }
            }
        }
    }

    @Test
    void everyResponseCarriesARequestIdEveryErrorIsAProblemAndEveryOperationCanAnswer400And401WhenSecured() {
        JsonNode paths = DOCUMENT.path("paths");
        for (String path : paths.propertyNames()) {
            for (String verb : paths.get(path).propertyNames()) {
                JsonNode operation = paths.get(path).get(verb);
                if (!operation.has("responses")) {
                    continue;
                }
                String where = verb.toUpperCase(Locale.ROOT) + " " + path;
                JsonNode security = operation.has("security") ? operation.get("security") : DOCUMENT.path("security");
                boolean open = security.isEmpty() || security.get(0).isEmpty();
                assertThat(operation.path("responses").has("401")).as(where + " documents 401 exactly when secured")
                        .isEqualTo(!open);
                assertThat(operation.path("responses").has("400")).as(where + " documents 400 (a header it cannot parse)")
                        .isTrue();
                for (String status : operation.path("responses").propertyNames()) {
                    JsonNode response = operation.path("responses").get(status);
                    if (response.has("$ref")) {
                        response = DOCUMENT.at(response.get("$ref").asString().substring(1));
                    }
                    String what = where + " " + status;
                    assertThat(response.at("/headers/X-Request-Id/$ref").asString()).as(what)
                            .isEqualTo("#/components/headers/X-Request-Id");
                    if (status.startsWith("4") || status.startsWith("5")) {
                        assertThat(response.path("content").propertyNames()).as(what)
                                .containsExactly("application/problem+json");
                        assertThat(response.at("/content/application~1problem+json/schema/allOf/0/$ref").asString())
                                .as(what).isEqualTo("#/components/schemas/Problem");
                    }
                    if (status.equals("429") || status.equals("503")) {
                        assertThat(response.at("/headers/Retry-After/$ref").asString()).as(what)
                                .isEqualTo("#/components/headers/Retry-After");
                    }
                }
            }
        }
    }
}
