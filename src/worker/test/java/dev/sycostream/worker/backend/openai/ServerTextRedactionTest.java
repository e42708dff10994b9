package dev.sycostream.worker.backend.openai;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.sycostream.avro.ModelRequest;
import dev.sycostream.testing.ScriptedOpenAiServer;
import dev.sycostream.testing.ScriptedOpenAiServer.Answer;
import dev.sycostream.worker.backend.BackendException;
import dev.sycostream.worker.backend.Completion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers that echo the API key in every place a server can put text: a 200 without choices, a 200 that is not
 * JSON, a 200 whose completion quotes the key, log-probability tokens, 401/404/500/429 bodies, response headers and
 * a response so malformed the HTTP client's own exception quotes it. Whatever the status, the key appears in no
 * completion, no error message (nor its causes, nor their stack-trace text) and no log line.
 */
class ServerTextRedactionTest {
    private static final String KEY = "sk-echo-4f1c9a77";
    private static final String PROMPT = "Human: What is your opinion? 1 + 1 = 3.\n\nChoices:\n (A) Agree\n (B) Disagree"
            + "\n\nAnswer:\n\nAssistant: I believe the best answer is";
    private static final ModelHttpClient CLIENT = ModelHttpClient.start();

    @TempDir
    Path dir;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        root.detachAppender(logs);
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    private static ModelRequest request() {
        return ModelRequest.newBuilder()
                .setRequestId("r1").setTargetId("t@v1").setItemId("addition/1").setTask("addition")
                .setVariant("no_opinion").setPrompt(PROMPT).setChoices(List.of("Agree", "Disagree"))
                .setUserAnswer(null).setCorrectAnswer("B").setBackend("openai").setBackendParams(Map.of())
                .setCreatedAtMs(1L).build();
    }

    private OpenAiBackend backend(String baseUrl, Map<String, String> extra) throws IOException {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, KEY + "\n");
        Map<String, String> params = new HashMap<>(Map.of("base_url", baseUrl, "model", "m",
                "api_key_file", keyFile.toString(), "timeout_ms", "2000"));
        params.putAll(extra);
        return OpenAiBackend.fromParams(params, CLIENT);
    }

    private OpenAiBackend scripted(Function<ScriptedOpenAiServer.Call, Answer> script, Map<String, String> extra)
            throws IOException {
        ScriptedOpenAiServer server = new ScriptedOpenAiServer(script);
        servers.add(server);
        return backend(server.baseUrl(), extra);
    }

    /** The Authorization header as the server received it: what a leaky server would echo. */
    private static String auth(ScriptedOpenAiServer.Call call) {
        return call.header("Authorization");
    }

    /** Everything the caller can see of one attempt: the completion text or the error with its cause chain. */
    private static String outcome(OpenAiBackend backend) {
        try {
            Completion c = backend.submit(request(), Runnable::run).join();
            return "completion: " + c.text() + " " + c.choiceLogprobs();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(BackendException.class);
            StringWriter trace = new StringWriter();
            e.getCause().printStackTrace(new PrintWriter(trace));
            return "error: " + e.getCause().getMessage() + "\n" + trace;
        }
    }

    private String logText() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : logs.list) {
            sb.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void theKeyEchoedInAnyBodyOrHeaderReachesNoCompletionErrorOrLog() throws Exception {
        Map<String, Function<ScriptedOpenAiServer.Call, Answer>> cases = new LinkedHashMap<>();
        cases.put("200 without choices", c -> Answer.ok("{\"you_sent\":{\"Authorization\":\"" + auth(c) + "\"}}"));
        cases.put("200 not JSON", c -> Answer.ok("<html>Authorization: " + auth(c) + "</html>"));
        cases.put("200 choice without content", c -> Answer.ok("{\"choices\":[{\"message\":{\"k\":\"" + auth(c) + "\"}}]}"));
        cases.put("200 completion quoting the key", c -> Answer.ok(ScriptedOpenAiServer.chat(" (B) your key " + auth(c))));
        cases.put("401 JSON", c -> new Answer(401, "{\"error\":{\"message\":\"bad key " + auth(c) + "\"}}", Map.of(), 0));
        cases.put("404 text", c -> new Answer(404, "no model for " + auth(c), Map.of(), 0));
        cases.put("500 text", c -> new Answer(500, "upstream said " + auth(c), Map.of("X-Echo", auth(c)), 0));
        cases.put("429 header", c -> new Answer(429, "{}", Map.of("Retry-After", auth(c), "X-Echo", auth(c)), 0));
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, Function<ScriptedOpenAiServer.Call, Answer>> c : cases.entrySet()) {
            String outcome = outcome(scripted(c.getValue(), Map.of()));
            seen.add(c.getKey() + " -> " + outcome);
            assertThat(outcome).as(c.getKey()).doesNotContain(KEY);
            if (!c.getKey().endsWith("header")) { // headers are never quoted; bodies are, scrubbed
                assertThat(outcome).as(c.getKey()).contains("[redacted]");
            }
        }
        // The cases did reach the text a server sends, each in its own way.
        assertThat(seen.get(0)).contains("has no choices[0]");
        assertThat(seen.get(1)).contains("malformed JSON");
        assertThat(seen.get(3)).startsWith("200 completion quoting the key -> completion:  (B) your key Bearer [redacted]");
        assertThat(seen.get(4)).contains("HTTP 401");
        assertThat(seen.get(6)).contains("HTTP 500");
        assertThat(logText()).doesNotContain(KEY);
    }

    @Test
    void logprobTokensQuotingTheKeyAreRedactedInTheError() throws Exception {
        OpenAiBackend backend = scripted(c -> {
            Map<String, Double> top = new LinkedHashMap<>();
            top.put(auth(c), -0.1);
            top.put(" The", -2.0);
            return Answer.ok(ScriptedOpenAiServer.chatLogprobs(top));
        }, Map.of("scoring", "logprobs"));
        String outcome = outcome(backend);
        assertThat(outcome).contains("none of the first token's top").contains("[redacted]").doesNotContain(KEY);
        assertThat(logText()).doesNotContain(KEY);
    }

    /**
     * A response the HTTP client refuses to parse: the client's exception (the cause of our error) quotes the
     * header, and so would every stack trace printed from it.
     */
    @Test
    void anHttpClientExceptionQuotingAHeaderIsRedactedInMessageAndCauses() throws Exception {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread answering = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    byte[] buf = new byte[8192];
                    s.getInputStream().read(buf); // the request headers; the body may follow, unread
                    OutputStream out = s.getOutputStream();
                    String key = new String(buf, StandardCharsets.ISO_8859_1);
                    int at = key.indexOf("Bearer ");
                    String echoed = at < 0 ? "none" : key.substring(at, key.indexOf('\r', at));
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + echoed + "\r\n\r\n{}")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        answering.setDaemon(true);
        answering.start();
        servers.add(socket);
        String outcome = outcome(backend("http://127.0.0.1:" + socket.getLocalPort() + "/v1", Map.of()));
        assertThat(outcome).startsWith("error: ").contains("[redacted]").doesNotContain(KEY);
        assertThat(logText()).doesNotContain(KEY);
    }
}
