package dev.sycostream.serde;

import dev.sycostream.registry.SchemaRegistryClientConfig;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;

/** The serdes' settings, under Confluent's keys so existing configurations carry over unchanged. */
public final class AvroSerdeConfig {
    /** Required: one or more comma-separated registry URLs, or {@code mock://SCOPE} in tests. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClientConfig.URL;
    /** Register the record's schema on first use (default true); else it must already be registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest schema instead of the record's own (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE;
    public static final String BASIC_AUTH_USER_INFO = SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO;
    /**
     * Accepted for compatibility with Confluent configurations; the specific serdes always read specific
     * records (as Confluent's SpecificAvroSerde forces it to true).
     */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    private final boolean autoRegisterSchemas;
    private final boolean useLatestVersion;
    private final String registryUrls;

    private AvroSerdeConfig(boolean autoRegisterSchemas, boolean useLatestVersion, String registryUrls) {
        this.autoRegisterSchemas = autoRegisterSchemas;
        this.useLatestVersion = useLatestVersion;
        this.registryUrls = registryUrls;
    }

    public static AvroSerdeConfig from(Map<String, ?> config) {
        return new AvroSerdeConfig(
                bool(config, AUTO_REGISTER_SCHEMAS, true),
                bool(config, USE_LATEST_VERSION, false),
                SchemaRegistryClientConfig.redactedUrls(config));
    }

    public boolean autoRegisterSchemas() {
        return autoRegisterSchemas;
    }

    public boolean useLatestVersion() {
        return useLatestVersion;
    }

    /** The registry URLs without credentials, for error messages. */
    public String registryUrls() {
        return registryUrls;
    }

    private static boolean bool(Map<String, ?> config, String key, boolean fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key, v, "must be true or false");
    }
}
