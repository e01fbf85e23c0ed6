package dev.consentgate.enforce;

import dev.consentgate.ingest.SourcePosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An erasure notice waiting for its lookups, as {@link ErasureNoticeLocator} keeps it: where it was read, the timestamp it is
 * written with, when it was first read (wall clock, for how long it waits), and the pending notice's bytes (no customer id).
 */
record WaitingNotice(SourcePosition position, long timestamp, long readAt, byte[] pending) {

    /** Format byte first: a later build that changes the layout writes another and still reads this one. */
    private static final byte FORMAT = 2;
    /** Without the time it was read: such a notice counts as read when it is decoded. */
    private static final byte FORMAT_WITHOUT_READ_TIME = 1;

    byte[] encode() {
        byte[] topic = position.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + topic.length + 4 + 8 + 8 + 8 + pending.length)
                .put(FORMAT).putInt(topic.length).put(topic).putInt(position.partition()).putLong(position.offset())
                .putLong(timestamp).putLong(readAt).put(pending).array();
    }

    /** The notice of {@code bytes}; one written without its read time counts as read at {@code now}. */
    static WaitingNotice decode(byte[] bytes, long now) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT && format != FORMAT_WITHOUT_READ_TIME) {
            throw new IllegalStateException("a waiting erasure notice of format " + format + "; this build reads formats "
                    + FORMAT_WITHOUT_READ_TIME + " and " + FORMAT);
        }
        byte[] topic = new byte[buffer.getInt()];
        buffer.get(topic);
        SourcePosition position = new SourcePosition(new String(topic, StandardCharsets.UTF_8), buffer.getInt(), buffer.getLong());
        long timestamp = buffer.getLong();
        long readAt = format == FORMAT ? buffer.getLong() : now;
        byte[] pending = new byte[buffer.remaining()];
        buffer.get(pending);
        return new WaitingNotice(position, timestamp, readAt, pending);
    }
}
