package dev.consentgate.serde;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * {@link ConfluentAvroSerializer} and {@link ConfluentAvroDeserializer} sharing one registry client,
 * so each schema is fetched or registered once per serde.
 */
public final class ConfluentAvroSerde implements Serde<Object> {

    private ConfluentAvroSerializer serializer;
    private ConfluentAvroDeserializer deserializer;

    /** For Kafka, which calls {@link #configure(Map, boolean)} before use. */
    public ConfluentAvroSerde() {
    }

    public ConfluentAvroSerde(SchemaRegistryClient registry, boolean isKey, boolean autoRegister,
            boolean specificReader) {
        build(registry, isKey, autoRegister, specificReader);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        build(SchemaRegistryClients.fromConfig(configs), isKey,
                config.autoRegisterSchemas(), config.specificAvroReader());
    }

    @Override
    public ConfluentAvroSerializer serializer() {
        return configured(serializer);
    }

    @Override
    public ConfluentAvroDeserializer deserializer() {
        return configured(deserializer);
    }

    private void build(SchemaRegistryClient registry, boolean isKey, boolean autoRegister,
            boolean specificReader) {
        serializer = new ConfluentAvroSerializer(registry, isKey, autoRegister, specificReader);
        deserializer = new ConfluentAvroDeserializer(registry, isKey, autoRegister, specificReader);
    }

    private static <T> T configured(T part) {
        if (part == null) {
            throw new IllegalStateException("ConfluentAvroSerde used before configure()");
        }
        return part;
    }
}
