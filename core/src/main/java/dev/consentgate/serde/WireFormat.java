package dev.consentgate.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.DatumWriter;

/** Confluent's framing: magic byte 0, the schema id as a 4-byte big-endian int, then Avro binary. */
public final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    static byte[] frame(int schemaId, DatumWriter<Object> writer, Object datum) throws IOException {
        // The thread's reusable buffer and encoder: encoders are not thread-safe, and a fresh stream per record cost
        // more than the encoding (array growth, and a lock per write in ByteArrayOutputStream).
        ReusableOutput out = ReusableOutput.acquire();
        try {
            out.write(MAGIC_BYTE);
            out.writeInt(schemaId);
            writer.write(datum, out.encoder());
            out.encoder().flush();
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
        return out.toByteArrayAndRelease();
    }

    /** The schema id in the header of a value, or -1 when it has no wire-format header; the buffer's position is kept. */
    public static int schemaIdOrMinusOne(ByteBuffer value) {
        int start = value.position();
        if (value.remaining() < HEADER_LENGTH || value.get(start) != MAGIC_BYTE) {
            return -1;
        }
        return value.getInt(start + 1);
    }

    /** The schema id in the header, after checking the header is there and well-formed. */
    static int schemaId(String topic, byte[] data) {
        if (data.length < HEADER_LENGTH) {
            throw new AvroDecodeException(DecodeFailure.TRUNCATED, "record on topic '" + topic
                    + "' has " + data.length + " bytes, fewer than the " + HEADER_LENGTH
                    + "-byte header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new AvroDecodeException(DecodeFailure.BAD_MAGIC_BYTE, "record on topic '" + topic
                    + "' does not start with magic byte 0; it was not written in Confluent's wire format");
        }
        return ByteBuffer.wrap(data, 1, Integer.BYTES).getInt();
    }
}
