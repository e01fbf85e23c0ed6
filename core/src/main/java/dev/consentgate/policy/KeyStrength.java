package dev.consentgate.policy;

import java.util.Optional;

/**
 * Refuses keys that cannot hold the 32 bytes of entropy an HMAC-SHA256 key should have. The entropy of a text cannot be
 * measured; what can be checked is that it is long enough to hold it and is not obviously made by hand: one character
 * or one short pattern repeated, or a handful of different characters. A key made by {@code openssl rand -base64 48}
 * (64 characters, 48 random bytes) passes every check.
 */
public final class KeyStrength {

    /**
     * Fewer different bytes than this cannot be random text of any usual alphabet: 32 draws from the 16 hex digits show
     * fewer than 8 different ones with a probability below one in a million.
     */
    public static final int MIN_DISTINCT_BYTES = 8;

    private KeyStrength() {
    }

    /** What is wrong with {@code key}, in words that never show it; empty when it passes. */
    public static Optional<String> weakness(byte[] key) {
        if (key.length < KeyedHash.MIN_KEY_BYTES) {
            return Optional.of("is shorter than " + KeyedHash.MIN_KEY_BYTES + " bytes");
        }
        if (repeatsAShorterPattern(key)) {
            return Optional.of("is one short pattern repeated");
        }
        if (distinctBytes(key) < MIN_DISTINCT_BYTES) {
            return Optional.of("has fewer than " + MIN_DISTINCT_BYTES + " different characters");
        }
        return Optional.empty();
    }

    /** True when some period of at most half the key's length repeats through all of it ({@code abcabcabc…}). */
    private static boolean repeatsAShorterPattern(byte[] key) {
        for (int period = 1; period <= key.length / 2; period++) {
            if (hasPeriod(key, period)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPeriod(byte[] key, int period) {
        for (int i = period; i < key.length; i++) {
            if (key[i] != key[i - period]) {
                return false;
            }
        }
        return true;
    }

    private static int distinctBytes(byte[] key) {
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : key) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                distinct++;
            }
        }
        return distinct;
    }
}
