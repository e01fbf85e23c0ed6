package dev.consentgate.policy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under the configured key, as lowercase hex. Stable across restarts and instances
 * (same key, same value, same hash), so hashed fields and audit customer ids stay joinable, while
 * without the key a value cannot be confirmed by hashing guesses. The key is never logged.
 */
public final class KeyedHash {

    private static final String ALGORITHM = "HmacSHA256";
    /**
     * A key as long as the hash (32 bytes for SHA-256) is what NIST SP 800-107 recommends so that the key, not its
     * length, limits the security of the HMAC; a shorter one makes guessing the key the cheaper attack.
     */
    public static final int MIN_KEY_BYTES = 32;
    private static final String FINGERPRINT_TEXT = "consentgate-key-id";

    /** Answers kept per thread: an event's customer id and the redacted fields of its records. */
    static final int REMEMBERED = 4;

    private final SecretKeySpec key;
    // Mac instances are not thread-safe; stream threads each get their own, with their own answers.
    private final ThreadLocal<ThreadState> perThread;

    public KeyedHash(byte[] keyBytes) {
        if (keyBytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("an HMAC key must be at least " + MIN_KEY_BYTES + " bytes long");
        }
        this.key = new SecretKeySpec(keyBytes.clone(), ALGORITHM);
        this.perThread = ThreadLocal.withInitial(() -> new ThreadState(newMac()));
    }

    public String hex(String value) {
        return perThread.get().hex(value);
    }

    /**
     * A short id of the key that shows nothing of it: the first 8 bytes, hex, of the HMAC of a fixed text. Audit records
     * and purpose records carry it (unless an id is configured) so that a reader knows which key made their hashes.
     */
    public String fingerprint() {
        return hex(FINGERPRINT_TEXT).substring(0, 16);
    }

    /**
     * A thread's Mac and its last answers. One event hashes its customer id for each redacted record's key and
     * again for its audit record, and a redacted record hashes fields such as the email address in between: with
     * the last few answers kept, the HMAC of each value runs once per event, not once per use.
     */
    private static final class ThreadState {
        private final Mac mac;
        private final String[] values = new String[REMEMBERED];
        private final String[] hexes = new String[REMEMBERED];
        /** Where the next answer goes: the oldest is replaced. */
        private int next;

        private ThreadState(Mac mac) {
            this.mac = mac;
        }

        String hex(String value) {
            for (int i = 0; i < REMEMBERED; i++) {
                if (value.equals(values[i])) {
                    return hexes[i];
                }
            }
            String hex = HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
            values[next] = value;
            hexes[next] = hex;
            next = (next + 1) % REMEMBERED;
            return hex;
        }
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "KeyedHash[HmacSHA256, key hidden]";
    }
}
