package dev.consentgate.enforce;

import dev.consentgate.serde.ConfluentAvroSerde;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * ConsentGate's serde, whose serializer throws what {@link #failureFor} gives for a topic, to see what the topology
 * does when writing fails. Kafka Streams builds it from its class name, so subclasses are public with a no-argument
 * constructor and keep their state in static fields.
 */
public abstract class SerializerFailingFor implements Serde<Object> {

    private final ConfluentAvroSerde delegate = new ConfluentAvroSerde();

    /** The exception writing to {@code topic} fails with now; null to write. */
    protected abstract RuntimeException failureFor(String topic);

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public Serializer<Object> serializer() {
        return (topic, data) -> {
            RuntimeException failure = failureFor(topic);
            if (failure != null) {
                throw failure;
            }
            return delegate.serializer().serialize(topic, data);
        };
    }

    @Override
    public Deserializer<Object> deserializer() {
        return delegate.deserializer();
    }
}
