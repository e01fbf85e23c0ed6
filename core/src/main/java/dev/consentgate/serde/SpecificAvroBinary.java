package dev.consentgate.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary of one generated record class, without wire-format header or registry: for
 * internal state stores and topics, whose schema is fixed by the code that reads them.
 */
public final class SpecificAvroBinary<T extends SpecificRecord> {

    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final String what;

    public SpecificAvroBinary(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
        this.what = type.getSimpleName();
    }

    /** Reads what an earlier version of the class's schema, {@code written}, wrote: fields it lacks get their defaults. */
    public SpecificAvroBinary(Class<T> type, Schema written) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(written, SpecificData.get().getSchema(type));
        this.what = type.getSimpleName() + " (as " + written.getName() + " was written)";
    }

    public byte[] encode(T record) {
        ReusableOutput out = ReusableOutput.acquire();
        try {
            writer.write(record, out.encoder());
            out.encoder().flush();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException("cannot encode a " + what, e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        return out.toByteArrayAndRelease();
    }

    public T decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** Decodes the record in {@code bytes[offset, offset + length)}. */
    public T decode(byte[] bytes, int offset, int length) {
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, offset, length, null));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + what, e);
        }
    }
}
