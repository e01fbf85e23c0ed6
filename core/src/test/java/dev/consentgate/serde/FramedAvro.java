package dev.consentgate.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Any Avro value in Confluent's wire format, whatever its schema: ConsentGate's serializer writes
 * records only, and the tests need well-framed strings, numbers, arrays and unions too.
 */
public final class FramedAvro {

    private FramedAvro() {
    }

    /** Registers {@code schema} under {@code <topic>-value} and frames {@code datum} with its id. */
    public static byte[] frame(SchemaRegistryClient registry, String topic, Schema schema, Object datum) {
        return frame(registry.register(topic + "-value", schema), schema, datum);
    }

    public static byte[] frame(int schemaId, Schema schema, Object datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The schema id in a framed value's header. */
    public static int schemaId(byte[] framed) {
        return ByteBuffer.wrap(framed, 1, Integer.BYTES).getInt();
    }
}
