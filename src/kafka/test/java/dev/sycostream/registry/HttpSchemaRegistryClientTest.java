package dev.sycostream.registry;

import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP client against a scripted stub server: request shape, caching, error translation, failover. */
class HttpSchemaRegistryClientTest {
    private static final Schema SCHEMA = SchemaBuilder.record("Counts").namespace("t").fields()
            .requiredLong("count").endRecord();

    /** What one request looked like. */
    record Seen(String method, String rawPath, String contentType, String authorization, String body) {
    }

    /** path -> (status, body) */
    private final Map<String, Object[]> answers = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** path -> answers given once each, in order, before {@link #answers} */
    private final Map<String, java.util.Queue<Object[]>> firstAnswers = new ConcurrentHashMap<>();
    private HttpServer stub;

    @BeforeEach
    void startStub() throws IOException {
        startStubOn(0);
    }

    private void startStubOn(int port) throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10);
        stub.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            java.util.Queue<Object[]> once = firstAnswers.get(exchange.getRequestURI().getRawPath());
            Object[] first = once == null ? null : once.poll();
            Object[] answer = first != null ? first : answers.getOrDefault(exchange.getRequestURI().getRawPath(),
                    new Object[] {404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"});
            byte[] bytes = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders((int) answer[0], bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        stub.start();
    }

    @AfterEach
    void stopStub() {
        stub.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    private HttpSchemaRegistryClient client(String urls) {
        return new HttpSchemaRegistryClient(Map.of("schema.registry.url", urls));
    }

    @Test
    void registersWithConfluentRequestShapeAndCachesTheId() {
        answers.put("/subjects/my%20topic-value/versions", new Object[] {200, "{\"id\":7}"});
        HttpSchemaRegistryClient client = client(url());

        assertThat(client.register("my topic-value", SCHEMA)).isEqualTo(7);
        assertThat(client.register("my topic-value", SCHEMA)).isEqualTo(7);
        assertThat(client.getById(7)).isEqualTo(SCHEMA);

        assertThat(seen).hasSize(1); // the second register and getById came from the cache
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.authorization()).isNull();
        assertThat(request.body()).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
    }

    @Test
    void readsSchemasLatestVersionsAndSubjects() {
        String quoted = "\"" + SCHEMA.toString().replace("\"", "\\\"") + "\"";
        answers.put("/schemas/ids/3", new Object[] {200, "{\"schema\":" + quoted + "}"});
        answers.put("/subjects/s-value/versions/latest",
                new Object[] {200, "{\"subject\":\"s-value\",\"version\":2,\"id\":3,\"schema\":" + quoted + "}"});
        answers.put("/subjects", new Object[] {200, "[\"a-value\",\"s-value\"]"});
        answers.put("/compatibility/subjects/s-value/versions/latest", new Object[] {200, "{\"is_compatible\":false}"});
        answers.put("/compatibility/subjects/new-value/versions/latest",
                new Object[] {404, "{\"error_code\":40401,\"message\":\"Subject 'new-value' not found.\"}"});
        HttpSchemaRegistryClient client = client(url());

        assertThat(client.getById(3)).isEqualTo(SCHEMA);
        assertThat(client.getById(3)).isEqualTo(SCHEMA);
        assertThat(client.getLatest("s-value")).isEqualTo(new RegisteredSchema("s-value", 2, 3, SCHEMA));
        assertThat(client.subjects()).containsExactly("a-value", "s-value");
        assertThat(client.testCompatibility("s-value", SCHEMA)).isFalse();
        assertThat(client.testCompatibility("new-value", SCHEMA)).isTrue(); // 404 for an unknown subject
        assertThat(seen.stream().filter(s -> s.rawPath().equals("/schemas/ids/3"))).hasSize(1);
    }

    @Test
    void aConflictingFirstRegistrationIsRetriedByLookingUpTheExistingId() {
        // Apicurio answers 409 to the loser of two concurrent first registrations of a subject.
        answers.put("/subjects/race-value/versions", new Object[] {409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 'race-value' in group 'null' already exists.\"}"});
        answers.put("/subjects/race-value", new Object[] {200, "{\"subject\":\"race-value\",\"version\":1,\"id\":11}"});
        HttpSchemaRegistryClient client = client(url());

        assertThat(client.register("race-value", SCHEMA)).isEqualTo(11);
        assertThat(client.register("race-value", SCHEMA)).isEqualTo(11); // cached
        assertThat(seen).extracting(Seen::rawPath).containsExactly("/subjects/race-value/versions", "/subjects/race-value");
    }

    @Test
    void aServerErrorOnRegistrationIsTriedAgainAndTheSecondAnswerCounts() {
        firstAnswers.put("/subjects/s-value/versions", new java.util.ArrayDeque<>(List.<Object[]>of(
                new Object[] {500, "{\"error_code\":50001,\"message\":\"Error while registering schema\"}"},
                new Object[] {503, "<html>busy</html>"})));
        answers.put("/subjects/s-value/versions", new Object[] {200, "{\"id\":5}"});
        HttpSchemaRegistryClient client = client(url());

        assertThat(client.register("s-value", SCHEMA)).isEqualTo(5);
        assertThat(seen).extracting(Seen::rawPath).containsExactly("/subjects/s-value/versions",
                "/subjects/s-value/versions", "/subjects/s-value/versions");
    }

    @Test
    void aServerErrorThatPersistsFailsAfterTheBoundedAttempts() {
        answers.put("/subjects/s-value/versions", new Object[] {500, "{\"error_code\":50001,\"message\":\"store\"}"});
        HttpSchemaRegistryClient client = client(url());

        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(500));
        assertThat(seen).hasSize(HttpSchemaRegistryClient.SERVER_ERROR_ATTEMPTS);
    }

    @Test
    void aConflictThenSuccessOnRegistrationGivesTheRegisteredId() {
        // The loser of a race whose lookup comes too early (404) registers again and gets the id.
        firstAnswers.put("/subjects/race-value/versions", new java.util.ArrayDeque<>(List.<Object[]>of(new Object[] {409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 'race-value' in group 'null' already exists.\"}"})));
        answers.put("/subjects/race-value/versions", new Object[] {200, "{\"id\":12}"});
        answers.put("/subjects/race-value", new Object[] {404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"});
        HttpSchemaRegistryClient client = client(url());

        assertThat(client.register("race-value", SCHEMA)).isEqualTo(12);
        assertThat(seen).extracting(Seen::rawPath).containsExactly("/subjects/race-value/versions",
                "/subjects/race-value", "/subjects/race-value/versions");
    }

    @Test
    void aConflictThatDoesNotSettleIsReportedAsAConflictNotAsIncompatible() {
        answers.put("/subjects/race-value/versions", new Object[] {409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 'race-value' in group 'null' already exists.\"}"});
        answers.put("/subjects/race-value", new Object[] {404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"});
        HttpSchemaRegistryClient client = client(url());

        assertThatThrownBy(() -> client.register("race-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(RegistryFailure.of(e).kind()).isEqualTo(RegistryFailure.Kind.CONFLICT);
                })
                .hasMessageNotContaining("incompatible")
                .hasMessageContaining("already exists");
        assertThat(seen.stream().filter(s -> s.rawPath().equals("/subjects/race-value/versions")))
                .hasSize(HttpSchemaRegistryClient.CONFLICT_ATTEMPTS);
    }

    @Test
    void aGenuineIncompatibilityIsNotRetried() {
        answers.put("/subjects/c-value/versions", new Object[] {409, "{\"error_code\":409,\"message\":"
                + "\"Schema being registered is incompatible with an earlier schema for subject c-value\"}"});
        HttpSchemaRegistryClient client = client(url());

        assertThatThrownBy(() -> client.register("c-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(RegistryFailure.of(e).kind()).isEqualTo(RegistryFailure.Kind.INCOMPATIBLE))
                .hasMessageStartingWith("schema for subject c-value is incompatible with an earlier schema: ");
        assertThat(seen).hasSize(1);
    }

    @Test
    void translatesErrorAnswersIntoClearExceptions() {
        answers.put("/subjects/c-value/versions", new Object[] {409,
                "{\"error_code\":409,\"message\":\"reader field 'x' has no default value\"}"});
        answers.put("/subjects/c-value", new Object[] {404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"});
        answers.put("/subjects/locked-value", new Object[] {401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"});
        answers.put("/schemas/ids/42", new Object[] {404, "{\"error_code\":40403,\"message\":\"Schema 42 not found\"}"});
        answers.put("/subjects", new Object[] {500, "<html>proxy error</html>"});
        HttpSchemaRegistryClient client = client(url());

        assertThatThrownBy(() -> client.register("c-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(409))
                .hasMessage("schema for subject c-value is incompatible with an earlier schema: "
                        + "reader field 'x' has no default value");
        assertThatThrownBy(() -> client.lookupId("c-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessage("schema not registered under subject c-value in schema registry at " + url());
        assertThatThrownBy(() -> client.lookupId("locked-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessageStartingWith("schema registry at " + url() + " refused credentials (401)");
        assertThatThrownBy(() -> client.getById(42))
                .hasMessage("schema id 42 not found in schema registry at " + url());
        assertThatThrownBy(client::subjects)
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(500))
                .hasMessageContaining("HTTP 500").hasMessageContaining("proxy error");
    }

    @Test
    void sendsBasicAuthWithoutEverShowingThePassword() {
        answers.put("/subjects/locked-value", new Object[] {401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"});
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of(
                "schema.registry.url", url(),
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:wonderland"));

        assertThatThrownBy(() -> client.lookupId("locked-value", SCHEMA))
                .hasMessageNotContaining("wonderland");
        assertThat(seen.get(0).authorization()).isEqualTo("Basic YWxpY2U6d29uZGVybGFuZA==");
        assertThat(client.urls()).isEqualTo(url());
    }

    @Test
    void triesTheNextUrlWhenOneIsUnreachableAndRemembersTheOneThatAnswered() throws IOException {
        answers.put("/subjects", new Object[] {200, "[\"x-value\"]"});
        String dead = "http://127.0.0.1:" + closedPort();
        HttpSchemaRegistryClient client = client(dead + "," + url());

        assertThat(client.subjects()).containsExactly("x-value");
        assertThat(client.subjects()).containsExactly("x-value");
        assertThat(seen).hasSize(2);
    }

    @Test
    void anUnreachableRegistryFailsQuicklyWithAClearMessage() throws IOException {
        String dead = "http://127.0.0.1:" + closedPort();
        HttpSchemaRegistryClient client = client(dead);

        long t0 = System.nanoTime();
        assertThatThrownBy(client::subjects)
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnreachable()).isTrue())
                .hasMessageStartingWith("schema registry at " + dead + " unreachable: ");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void withARetryWindowAnOutageIsWaitedOutAndAnswerErrorsAreNot() throws Exception {
        answers.put("/subjects", new Object[] {200, "[\"x-value\"]"});
        int port = stub.getAddress().getPort();
        stub.stop(0); // the registry goes away...
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of("schema.registry.url", "http://127.0.0.1:" + port,
                SchemaRegistryClientConfig.UNREACHABLE_RETRY_MS, 20_000));
        Thread comeBack = new Thread(() -> {
            try {
                Thread.sleep(1_500);
                startStubOn(port); // ...and comes back on the same port
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        comeBack.start();
        long t0 = System.nanoTime();
        assertThat(client.subjects()).containsExactly("x-value");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited for the registry").isGreaterThanOrEqualTo(1_000L);
        comeBack.join();

        // An answer, even an error, is never retried: it would be the same next time.
        t0 = System.nanoTime();
        assertThatThrownBy(() -> client.getById(99)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.httpStatus()).isEqualTo(404));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1_000L);
    }

    @Test
    void theRetryWindowEndsWithTheUnreachableError() throws IOException {
        String dead = "http://127.0.0.1:" + closedPort();
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of("schema.registry.url", dead,
                SchemaRegistryClientConfig.UNREACHABLE_RETRY_MS, "1200"));
        long t0 = System.nanoTime();
        assertThatThrownBy(client::subjects)
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isUnreachable()).isTrue());
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1_100L, 6_000L);
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(Map.of("schema.registry.url", dead,
                SchemaRegistryClientConfig.UNREACHABLE_RETRY_MS, "-1")))
                .hasMessageContaining(SchemaRegistryClientConfig.UNREACHABLE_RETRY_MS);
    }

    @Test
    void aRegistryThatNeverAnswersTimesOutAfterTheConfiguredTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(Map.of(
                    "schema.registry.url", "http://127.0.0.1:" + silent.getLocalPort(),
                    "schema.registry.request.timeout.ms", 300));

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.getById(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("unreachable").hasMessageContaining("timed out");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 5_000L);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
