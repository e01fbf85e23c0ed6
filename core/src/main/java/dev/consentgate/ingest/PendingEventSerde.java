package dev.consentgate.ingest;

import dev.consentgate.schema.internal.BufferedEvent;
import dev.consentgate.serde.SpecificAvroBinary;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Plain Avro binary of {@link BufferedEvent}: internal topics and stores need no registry. */
public final class PendingEventSerde implements Serde<PendingEvent> {

    private static final SpecificAvroBinary<BufferedEvent> BINARY = new SpecificAvroBinary<>(BufferedEvent.class);

    @Override
    public Serializer<PendingEvent> serializer() {
        return (topic, pending) -> pending == null ? null : BINARY.encode(pending.event());
    }

    @Override
    public Deserializer<PendingEvent> deserializer() {
        return (topic, bytes) -> bytes == null ? null : new PendingEvent(BINARY.decode(bytes), null);
    }
}
