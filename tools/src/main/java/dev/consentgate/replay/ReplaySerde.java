package dev.consentgate.replay;

import dev.consentgate.serde.ConfluentAvroSerde;
import dev.consentgate.serde.InMemorySchemaRegistry;
import dev.consentgate.config.ConsentGateConfig;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of a replay: it reads what production wrote through the configured serde and
 * registry, but writes the replayed outputs through a private in-memory registry, so a replay never
 * registers a schema in the production registry.
 */
final class ReplaySerde implements Serde<Object> {

    private final Serde<Object> production;
    private final String scope = "consentgate-replay-" + UUID.randomUUID();
    private final ConfluentAvroSerde local = new ConfluentAvroSerde(InMemorySchemaRegistry.scope(scope), false, true, false);

    @SuppressWarnings("unchecked")
    ReplaySerde(Map<String, ?> configs) {
        production = new ConsentGateConfig(configs).getConfiguredInstance(ConsentGateConfig.VALUE_SERDE, Serde.class);
        production.configure(configs, false);
    }

    @Override
    public Serializer<Object> serializer() {
        return local.serializer();
    }

    @Override
    public Deserializer<Object> deserializer() {
        return production.deserializer();
    }

    /** A record production wrote (an input, a recorded audit record). */
    Object decodeRecorded(String topic, byte[] value) {
        return production.deserializer().deserialize(topic, value);
    }

    /** A record the replay wrote. */
    Object decodeReplayed(String topic, byte[] value) {
        return local.deserializer().deserialize(topic, value);
    }

    @Override
    public void close() {
        production.close();
        InMemorySchemaRegistry.dropScope(scope);
    }
}
