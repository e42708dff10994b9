package dev.sycostream.registry;

import org.apache.kafka.common.config.ConfigException;

import java.util.List;
import java.util.Map;

/** Builds the right client for a configuration: the shared mock for {@code mock://SCOPE}, else HTTP. */
public final class SchemaRegistryClients {
    public static final String MOCK_SCHEME = "mock://";

    private SchemaRegistryClients() {
    }

    /** @param config holds {@code schema.registry.url} and the client settings of {@link SchemaRegistryClientConfig} */
    public static SchemaRegistryClient create(Map<String, ?> config) {
        List<String> urls = SchemaRegistryClientConfig.urls(config);
        String mockUrl = urls.stream().filter(u -> u.startsWith(MOCK_SCHEME)).findFirst().orElse(null);
        if (mockUrl == null) {
            return new HttpSchemaRegistryClient(config);
        }
        if (urls.size() > 1) {
            throw new ConfigException(SchemaRegistryClientConfig.URL
                    + " may hold only one URL when it uses mock://, got " + urls.size());
        }
        return MockSchemaRegistryClient.forScope(mockUrl.substring(MOCK_SCHEME.length()));
    }
}
