package dev.consentgate.client;

import java.util.Optional;

/** Where wrapped data keys come from: the key topic ({@link DataKeyRing}), or whatever else holds them. */
public interface WrappedKeys {

    /** The wrapped data key of {@code subject}; empty when it has none, or it was destroyed. */
    Optional<byte[]> wrappedKey(String subject);

    /** Reads again what may have changed since: new keys, and keys destroyed by erasures. */
    void refresh();
}
