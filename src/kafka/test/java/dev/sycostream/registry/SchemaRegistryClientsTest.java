package dev.sycostream.registry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistryClientsTest {

    @Test
    void mockUrlsGiveTheSharedScopeAndHttpUrlsTheHttpClient() {
        try {
            assertThat(SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://clients-test")))
                    .isSameAs(MockSchemaRegistryClient.forScope("clients-test"));
        } finally {
            MockSchemaRegistryClient.dropScope("clients-test");
        }
        assertThat(SchemaRegistryClients.create(Map.of("schema.registry.url", "http://127.0.0.1:1")))
                .isInstanceOf(HttpSchemaRegistryClient.class);
    }

    @Test
    void missingOrMalformedUrlsAreConfigErrors() {
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url is required");
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of("schema.registry.url", "mock://a,mock://b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("only one URL");
        assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of("schema.registry.url", "ftp://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http(s)://host:port");
    }

    @Test
    void credentialsComeFromTheUrlByDefaultAndAreNeverShown() {
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://alice:s3cr%40t@127.0.0.1:8081/, http://127.0.0.1:8082"));

        assertThat(config.endpoints()).hasSize(2);
        assertThat(config.endpoints().get(0).authorization()).isEqualTo(basic("alice:s3cr@t"));
        assertThat(config.endpoints().get(0).base()).hasToString("http://127.0.0.1:8081");
        assertThat(config.endpoints().get(1).authorization()).isNull();
        assertThat(config.displayUrls()).isEqualTo("http://127.0.0.1:8081,http://127.0.0.1:8082").doesNotContain("s3cr");
        assertThat(config.requestTimeout().toMillis()).isEqualTo(10_000);
        assertThat(SchemaRegistryClientConfig.redactedUrls(Map.of("schema.registry.url", "http://u:pw@h:1/x")))
                .isEqualTo("http://h:1/x");
    }

    @Test
    void userInfoSourceUsesTheConfiguredCredentialsForEveryUrl() {
        SchemaRegistryClientConfig config = SchemaRegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://127.0.0.1:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", new Password("bob:pw"),
                "schema.registry.request.timeout.ms", "2500"));

        assertThat(config.endpoints().get(0).authorization()).isEqualTo(basic("bob:pw"));
        assertThat(config.requestTimeout().toMillis()).isEqualTo(2500);
        assertThatThrownBy(() -> SchemaRegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://127.0.0.1:8081", "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> SchemaRegistryClientConfig.from(Map.of(
                "schema.registry.url", "http://127.0.0.1:8081", "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("USER_INFO or URL");
    }

    private static String basic(String userInfo) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
