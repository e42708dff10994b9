package dev.sycostream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.sycostream.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.sycostream.registry.SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL;
import static dev.sycostream.registry.SchemaRegistryException.INVALID_SCHEMA;
import static dev.sycostream.registry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static dev.sycostream.registry.SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED;

/**
 * The Confluent REST subset served by {@link EmbeddedSchemaRegistry}, over a {@link SchemaStore}:
 * subjects and versions, schemas by id, compatibility checks and config. Errors are answered with
 * Confluent's body, {@code {"error_code": 40401, "message": "..."}}, so any Confluent client understands them.
 */
final class RegistryHttpHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = Json.MAPPER;

    private final SchemaStore store;
    private final byte[] requiredAuthorization;

    /** @param requiredAuthorization the exact Authorization header to demand, or null for no auth */
    RegistryHttpHandler(SchemaStore store, String requiredAuthorization) {
        this.store = store;
        this.requiredAuthorization = requiredAuthorization == null ? null
                : requiredAuthorization.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
                respond(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            try {
                respond(exchange, 200, route(exchange));
            } catch (SchemaRegistryException e) {
                respond(exchange, e.httpStatus(), error(e.errorCode(), e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                respond(exchange, 500, error(500, "Internal error: " + e));
            }
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (requiredAuthorization == null) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        // Constant-time comparison: the header carries the password.
        return given != null && MessageDigest.isEqual(requiredAuthorization, given.getBytes(StandardCharsets.UTF_8));
    }

    private Object route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int n = path.size();
        String head = n == 0 ? "" : path.get(0);
        switch (head) {
            case "" -> {
                requireMethod(method, "GET");
                return JSON.createObjectNode();
            }
            case "subjects" -> {
                if (n == 1) {
                    requireMethod(method, "GET");
                    return store.subjects();
                }
                String subject = path.get(1);
                if (n == 2) {
                    requireMethod(method, "POST");
                    return versionJson(store.lookup(subject, schemaFrom(exchange)));
                }
                if (!path.get(2).equals("versions") || n > 5 || (n == 5 && !path.get(4).equals("schema"))) {
                    throw notFound();
                }
                if (n == 3) {
                    if (method.equals("POST")) {
                        ObjectNode answer = JSON.createObjectNode();
                        answer.put("id", store.register(subject, schemaFrom(exchange)).id());
                        return answer;
                    }
                    requireMethod(method, "GET");
                    return store.versions(subject);
                }
                requireMethod(method, "GET");
                RegisteredSchema version = store.version(subject, path.get(3));
                return n == 4 ? versionJson(version) : JSON.readTree(version.schema().toString());
            }
            case "schemas" -> {
                requireMethod(method, "GET");
                if (n == 2 && path.get(1).equals("types")) {
                    return List.of("AVRO");
                }
                if (n != 3 || !path.get(1).equals("ids")) {
                    throw notFound();
                }
                ObjectNode answer = JSON.createObjectNode();
                answer.put("schema", store.byId(schemaId(path.get(2))).toString());
                return answer;
            }
            case "compatibility" -> {
                if (n < 4 || n > 5 || !path.get(1).equals("subjects") || !path.get(3).equals("versions")) {
                    throw notFound();
                }
                requireMethod(method, "POST");
                List<String> problems = store.incompatibilities(path.get(2), schemaFrom(exchange), n == 5 ? path.get(4) : null);
                ObjectNode answer = JSON.createObjectNode();
                answer.put("is_compatible", problems.isEmpty());
                if (Boolean.parseBoolean(query.get("verbose"))) {
                    problems.forEach(answer.putArray("messages")::add);
                }
                return answer;
            }
            case "config" -> {
                if (n > 2) {
                    throw notFound();
                }
                String subject = n == 2 ? path.get(1) : null;
                if (method.equals("PUT")) {
                    AvroCompatibility level = levelFrom(exchange);
                    store.setLevel(subject, level);
                    ObjectNode answer = JSON.createObjectNode();
                    answer.put("compatibility", level.name());
                    return answer;
                }
                requireMethod(method, "GET");
                AvroCompatibility level = subject == null ? store.globalLevel()
                        : store.subjectLevel(subject).orElseGet(() -> {
                            if (Boolean.parseBoolean(query.get("defaultToGlobal"))) {
                                return store.globalLevel();
                            }
                            throw new SchemaRegistryException("Subject '" + subject
                                    + "' does not have subject-level compatibility configured", 404,
                                    SUBJECT_COMPATIBILITY_NOT_CONFIGURED);
                        });
                ObjectNode answer = JSON.createObjectNode();
                answer.put("compatibilityLevel", level.name());
                return answer;
            }
            default -> throw notFound();
        }
    }

    private static ObjectNode versionJson(RegisteredSchema registered) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("subject", registered.subject());
        answer.put("version", registered.version());
        answer.put("id", registered.id());
        answer.put("schema", registered.schema().toString());
        return answer;
    }

    /** The schema of a request body {"schema": "...", "schemaType": "AVRO"}; 42201 when it is not valid Avro. */
    private static Schema schemaFrom(HttpExchange exchange) throws IOException {
        JsonNode body = body(exchange);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException("Invalid schema: only AVRO schemas are supported here, not " + type,
                    422, INVALID_SCHEMA);
        }
        if (body.path("references").size() > 0) {
            throw new SchemaRegistryException("Invalid schema: schema references are not supported here", 422, INVALID_SCHEMA);
        }
        String text = body.path("schema").asText("");
        if (text.isBlank()) {
            throw new SchemaRegistryException("Empty schema", 422, INVALID_SCHEMA);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (AvroRuntimeException e) {
            throw new SchemaRegistryException("Invalid schema: " + e.getMessage(), 422, INVALID_SCHEMA);
        }
    }

    private static AvroCompatibility levelFrom(HttpExchange exchange) throws IOException {
        String level = body(exchange).path("compatibility").asText("");
        try {
            return AvroCompatibility.parse(level);
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("Invalid compatibility level: " + e.getMessage(), 422,
                    INVALID_COMPATIBILITY_LEVEL);
        }
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        try {
            JsonNode body = JSON.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw new IOException("not a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new SchemaRegistryException("Request body is not a JSON object: " + e.getMessage(), 400, 400);
        }
    }

    private static int schemaId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException("Schema " + text + " not found", 404, SCHEMA_NOT_FOUND);
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) {
            throw new SchemaRegistryException("HTTP 405 Method Not Allowed", 405, 405);
        }
    }

    private static SchemaRegistryException notFound() {
        return new SchemaRegistryException("HTTP 404 Not Found", 404, 404);
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_code", code);
        body.put("message", message);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                // '+' is a literal plus in a path, not a space: keep it through URLDecoder.
                segments.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.put(key, eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }
}
