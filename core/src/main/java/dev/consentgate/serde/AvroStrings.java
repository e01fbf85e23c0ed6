package dev.consentgate.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.Encoder;

/**
 * Avro's binary string, its UTF-8 length as a zig-zag varint then its UTF-8 bytes, written faster than
 * Avro's {@code BinaryEncoder.writeString}: that copies a string's characters one {@code charAt} at a time
 * (and falls back to {@code getBytes} for non-ASCII text), which made it the largest single cost of the
 * per-event pipeline. The bytes are the same: Avro writes the same length and the same UTF-8 either way,
 * and an empty string as the single byte 0 that a varint 0 is.
 */
public final class AvroStrings {

    /** Distinct strings whose encoding is kept; past this, strings are encoded on every write. */
    static final int MAX_REPEATED = 10_000;

    /** Length prefix and bytes in one array, so a repeated string is one copy into the output. */
    private static final ConcurrentMap<String, byte[]> REPEATED = new ConcurrentHashMap<>();

    /**
     * In front of {@link #REPEATED}, by identity: most recurring strings are the same instances record after record
     * (the policy's), and finding them by identity skips hashing and comparing their text. One entry per slot, the
     * last string written there; entries are immutable, so threads may replace them without locking.
     */
    private static final Kept[] LAST_WRITTEN = new Kept[1024];

    private record Kept(String value, byte[] encoded) {
    }

    private AvroStrings() {
    }

    /** Writes {@code value} as {@code Encoder.writeString} does, for a string seen once (an id, a hash). */
    public static void write(Encoder out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.writeFixed(utf8, 0, utf8.length);
    }

    /**
     * Writes {@code value} as {@code Encoder.writeString} does, from its kept encoding: for strings that recur on
     * record after record (a policy's keys and words, topic names). The cache is bounded, since some of them come
     * from records; once it is full, new strings are encoded on every write.
     */
    public static void writeRepeated(Encoder out, String value) throws IOException {
        int slot = System.identityHashCode(value) & (LAST_WRITTEN.length - 1);
        Kept kept = LAST_WRITTEN[slot];
        if (kept == null || kept.value() != value) {
            kept = new Kept(value, keptEncoding(value));
            LAST_WRITTEN[slot] = kept;
        }
        out.writeFixed(kept.encoded(), 0, kept.encoded().length);
    }

    private static byte[] keptEncoding(String value) {
        byte[] encoded = REPEATED.get(value);
        if (encoded == null) {
            encoded = encode(value);
            if (REPEATED.size() < MAX_REPEATED) {
                REPEATED.putIfAbsent(value, encoded);
            }
        }
        return encoded;
    }

    /** The varint length and the UTF-8 bytes of {@code value}, as one array. */
    static byte[] encode(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] encoded = new byte[utf8.length + 5];
        int prefix = BinaryData.encodeInt(utf8.length, encoded, 0);
        System.arraycopy(utf8, 0, encoded, prefix, utf8.length);
        return Arrays.copyOf(encoded, prefix + utf8.length);
    }

    static int repeatedCount() {
        return REPEATED.size();
    }
}
