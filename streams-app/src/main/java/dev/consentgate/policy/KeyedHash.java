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
    /** Too short a key makes guessing feasible; 16 bytes is the floor NIST SP 800-107 sets for HMAC. */
    public static final int MIN_KEY_BYTES = 16;

    private final SecretKeySpec key;
    // Mac instances are not thread-safe; stream threads each get their own.
    private final ThreadLocal<Mac> mac;
    private final ThreadLocal<Memo> last = ThreadLocal.withInitial(Memo::new);

    public KeyedHash(byte[] keyBytes) {
        if (keyBytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("HMAC key must be at least " + MIN_KEY_BYTES + " bytes, got " + keyBytes.length);
        }
        this.key = new SecretKeySpec(keyBytes.clone(), ALGORITHM);
        this.mac = ThreadLocal.withInitial(this::newMac);
    }

    public String hex(String value) {
        // An event's customer id is hashed for its audit record and again for each redacted record's key:
        // the thread's last answer is kept, so the HMAC runs once per event.
        Memo memo = last.get();
        if (value.equals(memo.value)) {
            return memo.hex;
        }
        String hex = HexFormat.of().formatHex(mac.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
        memo.value = value;
        memo.hex = hex;
        return hex;
    }

    private static final class Memo {
        private String value;
        private String hex;
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
