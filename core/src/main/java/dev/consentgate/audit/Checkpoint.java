package dev.consentgate.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A signed statement that an audit partition's chain had head {@code headHash} at {@code sequence}. Its encoding is a
 * fixed layout, readable without Avro (docs/audit.md#signed-checkpoints):
 *
 * <pre>
 * "CGCP" | version 1 (1 byte) | partition (int32) | sequence (int64) | headHash (32) | time (int64, ms) | keyId (8) | signature (64)
 * </pre>
 *
 * All integers big-endian; the signature is Ed25519 over every byte before it.
 */
public record Checkpoint(int partition, long sequence, byte[] headHash, long time, byte[] keyId, byte[] signature) {

    public static final byte[] MAGIC = "CGCP".getBytes(StandardCharsets.US_ASCII);
    public static final byte VERSION = 1;
    public static final int KEY_ID_SIZE = 8;
    public static final int SIGNATURE_SIZE = 64;
    static final int SIGNED_SIZE = MAGIC.length + 1 + Integer.BYTES + Long.BYTES + ChainHash.SIZE + Long.BYTES + KEY_ID_SIZE;
    public static final int SIZE = SIGNED_SIZE + SIGNATURE_SIZE;

    /** The bytes the signature covers. */
    public static byte[] signedBytes(int partition, long sequence, byte[] headHash, long time, byte[] keyId) {
        return ByteBuffer.allocate(SIGNED_SIZE).put(MAGIC).put(VERSION).putInt(partition).putLong(sequence).put(headHash)
                .putLong(time).put(keyId).array();
    }

    public byte[] signedBytes() {
        return signedBytes(partition, sequence, headHash, time, keyId);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(signedBytes()).put(signature).array();
    }

    /** Reads an encoded checkpoint; an IllegalArgumentException says why a value is not one. */
    public static Checkpoint decode(byte[] value) {
        if (value == null || value.length != SIZE || !Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || value[MAGIC.length] != VERSION) {
            throw new IllegalArgumentException("not a version " + VERSION + " checkpoint ("
                    + (value == null ? "null" : value.length + " bytes") + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(value, MAGIC.length + 1, SIZE - MAGIC.length - 1);
        int partition = in.getInt();
        long sequence = in.getLong();
        byte[] head = new byte[ChainHash.SIZE];
        in.get(head);
        long time = in.getLong();
        byte[] keyId = new byte[KEY_ID_SIZE];
        in.get(keyId);
        byte[] signature = new byte[SIGNATURE_SIZE];
        in.get(signature);
        return new Checkpoint(partition, sequence, head, time, keyId, signature);
    }
}
