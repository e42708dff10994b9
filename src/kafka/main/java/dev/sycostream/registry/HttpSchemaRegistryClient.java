package dev.sycostream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.sycostream.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sycostream.registry.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static dev.sycostream.registry.SchemaRegistryException.VERSION_NOT_FOUND;

/**
 * A client of a Confluent-compatible schema registry over its REST API.
 *
 * <p>Ids and schemas never change once registered, so both lookups are cached for the life of the
 * client: after the first call for a schema the serdes' hot path makes no HTTP request.
 * Several URLs may be given; when one cannot be reached the next is tried, and the one that last
 * answered is tried first next time.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Registrations tried when the registry answers a conflict (a 409 that is no incompatibility). */
    static final int CONFLICT_ATTEMPTS = 3;
    /** Attempts of one call while the registry answers a server error (5xx, 408, 429), 100 then 200 ms apart. */
    static final int SERVER_ERROR_ATTEMPTS = 3;
    private static final long SERVER_ERROR_BACKOFF_MS = 100;

    private final SchemaRegistryClientConfig config;
    private final HttpClient http;
    private final AtomicInteger preferredEndpoint = new AtomicInteger();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /** @param config {@code schema.registry.url} and optional timeout / basic-auth settings */
    public HttpSchemaRegistryClient(Map<String, ?> config) {
        this(SchemaRegistryClientConfig.from(config));
    }

    public HttpSchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.config = config;
        // HTTP/1.1: registries are plain REST servers; skipping the h2c upgrade dance keeps requests simple.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .build();
    }

    /** The registry URLs without credentials, for messages. */
    public String urls() {
        return config.displayUrls();
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        for (int attempt = 1; ; attempt++) {
            JsonNode answer;
            try {
                answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject, null);
            } catch (SchemaRegistryException e) {
                if (RegistryFailure.of(e).kind() != RegistryFailure.Kind.CONFLICT || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                // A 409 that is no incompatibility: another writer registered the subject's first schema at the same
                // moment (Apicurio: "An artifact with ID ... already exists"). Its id is ours too, once it settles.
                log.debug("{}; looking up the existing id (attempt {})", e.getMessage(), attempt);
                Integer existing = existingId(subject, schema, attempt);
                if (existing != null) {
                    return existing;
                }
                continue;
            }
            int id = answer.path("id").asInt(-1);
            if (id < 0) {
                throw malformed("POST /subjects/" + subject + "/versions", answer);
            }
            remember(subject, schema, id);
            return id;
        }
    }

    /** After a conflicting registration: the id the schema got, or null if it is not (yet) registered. */
    private Integer existingId(String subject, Schema schema, int attempt) {
        try {
            Thread.sleep(50L * attempt); // let the registration that won become visible
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while registering a schema for subject " + subject
                    + " at " + urls(), SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, e);
        }
        try {
            return lookupId(subject, schema);
        } catch (SchemaRegistryException notYet) {
            if (RegistryFailure.of(notYet).kind() == RegistryFailure.Kind.NOT_FOUND) {
                return null; // registered again on the next attempt
            }
            throw notYet;
        }
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema), subject, null);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw malformed("POST /subjects/" + subject, answer);
        }
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, null, id);
        Schema schema = parse(answer.path("schema").asText(null), "GET /schemas/ids/" + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        // Not cached: "latest" moves whenever someone registers a new version.
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject, null);
        Schema schema = parse(answer.path("schema").asText(null), "GET /subjects/" + subject + "/versions/latest");
        int id = answer.path("id").asInt(-1);
        int version = answer.path("version").asInt(-1);
        if (id < 0 || version < 0) {
            throw malformed("GET /subjects/" + subject + "/versions/latest", answer);
        }
        remember(subject, schema, id);
        return new RegisteredSchema(subject, version, id, schema);
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), subject, null);
            return answer.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            // Older registries answer 404 for a subject without versions; anything is compatible with nothing.
            if (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "/subjects", null, null, null);
        List<String> subjects = new ArrayList<>();
        answer.forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    /**
     * Sends one request, trying each URL in turn until one answers. An HTTP error answer is final for that
     * attempt (another node would say the same); only a failure to get an answer moves on to the next URL. A server
     * error (5xx, 408, 429) is tried again up to {@value #SERVER_ERROR_ATTEMPTS} times with a short backoff: a
     * registry answers 500 to one of two instances registering a subject's first schema at once, and the next
     * attempt finds it settled. Every call here is idempotent (registering a registered schema returns its id).
     */
    private JsonNode send(String method, String path, JsonNode body, String subject, Integer schemaId) {
        long deadline = System.nanoTime() + config.unreachableRetry().toNanos();
        long backoffMs = 200;
        int serverErrors = 0;
        while (true) {
            try {
                return sendOnce(method, path, body, subject, schemaId);
            } catch (SchemaRegistryException e) {
                if (!e.isUnreachable() && RegistryFailure.of(e).kind() == RegistryFailure.Kind.SERVER_ERROR
                        && ++serverErrors < SERVER_ERROR_ATTEMPTS && !Thread.currentThread().isInterrupted()) {
                    log.debug("{}; trying again (attempt {} of {})", e.getMessage(), serverErrors + 1,
                            SERVER_ERROR_ATTEMPTS);
                    pause(SERVER_ERROR_BACKOFF_MS << (serverErrors - 1), e);
                    continue;
                }
                // Beyond that, only "no answer at all" is worth waiting out; an HTTP error answer would repeat.
                if (!e.isUnreachable() || System.nanoTime() >= deadline || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                log.warn("{}; retrying for up to {} s more", e.getMessage(),
                        Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L));
                try {
                    Thread.sleep(Math.min(backoffMs, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoffMs = Math.min(backoffMs * 2, 2_000);
            }
        }
    }

    private static void pause(long millis, SchemaRegistryException failure) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    private JsonNode sendOnce(String method, String path, JsonNode body, String subject, Integer schemaId) {
        List<SchemaRegistryClientConfig.Endpoint> endpoints = config.endpoints();
        int first = preferredEndpoint.get();
        SchemaRegistryException lastFailure = null;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (first + i) % endpoints.size();
            SchemaRegistryClientConfig.Endpoint endpoint = endpoints.get(index);
            HttpResponse<String> response;
            try {
                response = http.send(request(endpoint, method, path, body), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                lastFailure = RegistryErrors.unreachable(endpoint.display(), e);
                log.debug("{} {}{} failed: {}", method, endpoint.display(), path, e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling schema registry at " + endpoint.display(),
                        SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, e);
            }
            preferredEndpoint.set(index);
            return answer(endpoint, response, subject, schemaId);
        }
        if (endpoints.size() > 1) {
            throw new SchemaRegistryException("schema registry at " + config.displayUrls()
                    + " unreachable: every URL failed, last: " + lastFailure.getMessage(),
                    SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, lastFailure.getCause());
        }
        throw lastFailure;
    }

    private HttpRequest request(SchemaRegistryClientConfig.Endpoint endpoint, String method, String path, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint.base() + path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (endpoint.authorization() != null) {
            builder.header("Authorization", endpoint.authorization());
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static JsonNode answer(SchemaRegistryClientConfig.Endpoint endpoint, HttpResponse<String> response,
                                   String subject, Integer schemaId) {
        int status = response.statusCode();
        JsonNode json = readJson(response.body());
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new SchemaRegistryException("schema registry at " + endpoint.display()
                        + " answered " + status + " with a body that is not JSON: " + abbreviate(response.body()),
                        status, status);
            }
            return json;
        }
        int errorCode = json != null && json.has("error_code") ? json.get("error_code").asInt(status) : status;
        String message = json != null && json.has("message") ? json.get("message").asText()
                : abbreviate(response.body());
        throw RegistryErrors.fromAnswer(endpoint.display(), subject, schemaId, status, errorCode, message);
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body;
    }

    private Schema parse(String text, String what) {
        if (text == null) {
            throw new SchemaRegistryException("schema registry at " + urls() + " answered " + what
                    + " without a schema", 200, 200);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("schema registry at " + urls() + " answered " + what
                    + " with a schema Avro cannot parse: " + e.getMessage(), 200, 200, e);
        }
    }

    private SchemaRegistryException malformed(String what, JsonNode answer) {
        return new SchemaRegistryException("schema registry at " + urls() + " gave an unexpected answer to "
                + what + ": " + abbreviate(answer.toString()), 200, 200);
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
