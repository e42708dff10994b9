package dev.sycostream.worker.backend.openai;

import dev.sycostream.worker.backend.BackendProvider;
import dev.sycostream.worker.backend.ModelBackend;

import java.util.Map;

/** The {@value OpenAiBackend#NAME} backend; its backends share one HTTP client, started on first use. */
public final class OpenAiBackendProvider implements BackendProvider {
    /** Created on first use: a worker answering only simulated targets needs no HTTP client. */
    private volatile ModelHttpClient httpClient;

    @Override
    public String name() {
        return OpenAiBackend.NAME;
    }

    @Override
    public ModelBackend create(Map<String, String> params) {
        return OpenAiBackend.fromParams(params, httpClient());
    }

    private ModelHttpClient httpClient() {
        ModelHttpClient c = httpClient;
        if (c == null) {
            synchronized (this) {
                if (httpClient == null) {
                    httpClient = ModelHttpClient.start();
                }
                c = httpClient;
            }
        }
        return c;
    }
}
