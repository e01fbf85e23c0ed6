package dev.consentgate.topology;

import dev.consentgate.schema.internal.BufferedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Plain Avro binary of {@link BufferedEvent}: internal topics and stores need no registry. */
final class PendingEventSerde implements Serde<PendingEvent> {

    private static final SpecificDatumWriter<BufferedEvent> WRITER = new SpecificDatumWriter<>(BufferedEvent.class);
    private static final SpecificDatumReader<BufferedEvent> READER = new SpecificDatumReader<>(BufferedEvent.class);

    @Override
    public Serializer<PendingEvent> serializer() {
        return (topic, pending) -> pending == null ? null : encode(pending.event());
    }

    @Override
    public Deserializer<PendingEvent> deserializer() {
        return (topic, bytes) -> bytes == null ? null : new PendingEvent(decode(bytes), null);
    }

    private static byte[] encode(BufferedEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(event.getValue().remaining() + 128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            WRITER.write(event, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BufferedEvent decode(byte[] bytes) {
        try {
            return READER.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable buffered event", e);
        }
    }
}
