package dev.sycostream.embedded;

import dev.sycostream.registry.EmbeddedSchemaRegistry;

import java.nio.file.Path;
import java.util.Map;

/** The embedded default: a real KRaft broker and the in-process schema registry (storing into _schemas). */
public final class EmbeddedStack implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;

    /** @param dataDir broker log dir, or null for a temp dir deleted on close */
    public EmbeddedStack(Path dataDir) {
        broker = dataDir == null ? new EmbeddedKafkaBroker() : new EmbeddedKafkaBroker(dataDir, Map.of());
    }

    public EmbeddedStack start() {
        broker.start();
        CoordinatorWarmup.await(broker.bootstrapServers(), java.time.Duration.ofSeconds(60));
        registry = new EmbeddedSchemaRegistry(broker.bootstrapServers()).start();
        return this;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        broker.close();
    }
}
