package dev.sycostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sycostream.avro.Comparison;
import dev.sycostream.compare.CompareFormatter;
import dev.sycostream.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code compare} against a running pipeline: {@code GET /api/compare}, which answers from the comparison stage's
 * stores (and registers the pair), so the command costs the same after a day or a year of answers.
 */
final class PipelineComparisonClient {
    private final String baseUrl;
    private final String token;
    private final Duration timeout;

    PipelineComparisonClient(String baseUrl, String token, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token == null || token.isBlank() ? null : token;
        this.timeout = timeout;
    }

    /**
     * @throws IllegalArgumentException what the pipeline refused (unknown target, same target twice, bad alpha)
     * @throws IllegalStateException    if the pipeline cannot be reached or is not ready
     */
    List<Comparison> compare(String base, String candidate, double alpha) {
        URI uri = URI.create(baseUrl + "/api/compare?base=" + enc(base) + "&candidate=" + enc(candidate) + "&alpha=" + alpha);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the pipeline at " + baseUrl + " (" + e
                    + "); give its address with --dashboard-url, or --recount to recount from the topic", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + uri, e);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(uri + " answered HTTP " + response.statusCode() + " with no JSON: " + response.body(), e);
        }
        if (response.statusCode() == 400) {
            throw new IllegalArgumentException(body.path("error").asText(response.body()));
        }
        if (response.statusCode() != 200 || !body.has("comparisons")) {
            throw new IllegalStateException(uri + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return CompareFormatter.parse(body.get("comparisons").toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
