package dev.consentgate.policy;

import java.util.Objects;

/**
 * A keyed hash and the id that names its key where its hashes are written (the audit record's {@code pseudonymKeyId},
 * the key-id headers of purpose records), so a reader knows which key to verify them with.
 */
public record HmacKey(String id, KeyedHash hash) {

    public HmacKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hash, "hash");
    }
}
