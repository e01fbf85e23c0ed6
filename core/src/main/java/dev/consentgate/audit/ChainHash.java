package dev.consentgate.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The hash chain of an audit partition, on the bytes of each audit record as written to the topic.
 *
 * <p>An audit value is the Confluent wire format: a magic byte 0, a 4-byte schema id, then the Avro
 * binary body of a {@code DecisionRecord}. The record's last field is its chain link, whose last two
 * fields are 32-byte Avro {@code fixed} values, written as their raw bytes; so the body always ends
 * with {@code previousHash} then {@code hash}. The canonical bytes of a record are its body without
 * those last 64 bytes (the sequence number is part of them), and
 * {@code hash = SHA-256(previousHash || canonical bytes)}. The 5-byte header is left out so that a
 * copy of the topic through another registry, which renumbers schema ids, still verifies. Everything
 * here works on bytes alone: an auditor can check a chain with any SHA-256 tool.
 */
public final class ChainHash {

    public static final int SIZE = 32;

    private static final int WIRE_HEADER = 5;
    private static final byte MAGIC = 0;

    private ChainHash() {
    }

    /** What the first record of a partition names as its previous hash, and what a value carries before it is sealed: zeros. */
    public static byte[] zeros() {
        return new byte[SIZE];
    }

    /** Whether the value can carry a link at all: the wire format, with room for a header, both hashes and a sequence. */
    public static boolean isLinkable(byte[] value) {
        return value != null && value.length > WIRE_HEADER + 2 * SIZE && value[0] == MAGIC;
    }

    /** The hash the value names as its predecessor's. */
    public static byte[] previousHash(byte[] value) {
        requireLinkable(value);
        return Arrays.copyOfRange(value, value.length - 2 * SIZE, value.length - SIZE);
    }

    /** The hash the value carries. */
    public static byte[] storedHash(byte[] value) {
        requireLinkable(value);
        return Arrays.copyOfRange(value, value.length - SIZE, value.length);
    }

    /** The hash the value should carry: SHA-256 of its previous hash followed by its canonical bytes. */
    public static byte[] computedHash(byte[] value) {
        requireLinkable(value);
        MessageDigest sha256 = sha256();
        sha256.update(value, value.length - 2 * SIZE, SIZE);
        sha256.update(value, WIRE_HEADER, value.length - WIRE_HEADER - 2 * SIZE);
        return sha256.digest();
    }

    /** Writes the computed hash into the value's last 32 bytes, in place, and returns it. */
    public static byte[] seal(byte[] value) {
        byte[] hash = computedHash(value);
        System.arraycopy(hash, 0, value, value.length - SIZE, SIZE);
        return hash;
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    private static void requireLinkable(byte[] value) {
        if (!isLinkable(value)) {
            throw new IllegalArgumentException("not an audit record in the Confluent wire format ("
                    + (value == null ? "null" : value.length + " bytes") + ")");
        }
    }

    /** This thread's digest, reset: looking the algorithm up for every audit record cost more than hashing it. */
    private static MessageDigest sha256() {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });
}
