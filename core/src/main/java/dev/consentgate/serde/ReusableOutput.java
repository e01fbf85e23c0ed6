package dev.consentgate.serde;

import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A per-thread output buffer and Avro encoder, reused for every record a thread encodes. A
 * {@code ByteArrayOutputStream} per record grew its array several times and took a lock on every
 * write; this buffer grows once to the largest record and is never shared between threads.
 */
final class ReusableOutput extends OutputStream {

    /** Buffers that grew past this (one huge record) are dropped after use instead of being kept. */
    private static final int MAX_KEPT_CAPACITY = 1 << 20;
    private static final ThreadLocal<ReusableOutput> PER_THREAD = ThreadLocal.withInitial(ReusableOutput::new);

    private byte[] buffer = new byte[512];
    private int count;
    private BinaryEncoder encoder;
    private boolean inUse;

    private ReusableOutput() {
    }

    /**
     * This thread's buffer, emptied, with an encoder writing straight into it (no intermediate buffer, so
     * nothing is left behind by a write that failed). A nested call, which the encoders here never make, gets
     * a fresh instance rather than the one in use.
     */
    static ReusableOutput acquire() {
        ReusableOutput output = PER_THREAD.get();
        if (output.inUse) {
            output = new ReusableOutput();
        }
        output.inUse = true;
        output.count = 0;
        output.encoder = EncoderFactory.get().directBinaryEncoder(output, output.encoder);
        return output;
    }

    BinaryEncoder encoder() {
        return encoder;
    }

    /** The bytes written since {@link #acquire()}, as a new array; the buffer is released for the next record. */
    byte[] toByteArrayAndRelease() {
        byte[] bytes = Arrays.copyOf(buffer, count);
        release();
        return bytes;
    }

    /** Releases the buffer without taking its bytes, after a failed write. */
    void release() {
        count = 0;
        inUse = false;
        if (buffer.length > MAX_KEPT_CAPACITY) {
            buffer = new byte[512];
        }
    }

    @Override
    public void write(int b) {
        ensureCapacity(count + 1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensureCapacity(count + length);
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    void writeInt(int value) {
        ensureCapacity(count + Integer.BYTES);
        buffer[count++] = (byte) (value >>> 24);
        buffer[count++] = (byte) (value >>> 16);
        buffer[count++] = (byte) (value >>> 8);
        buffer[count++] = (byte) value;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }
}
