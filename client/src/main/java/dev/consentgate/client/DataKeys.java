package dev.consentgate.client;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.daead.DeterministicAeadConfig;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Customers' data keys: one AES-256-SIV keyset per customer, stored only wrapped by the {@link KeyEncryptionKey}, the
 * wrapping bound to the customer's data-key reference so that a wrapped key copied to another customer does not open.
 *
 * <p>Why deterministic AEAD (AES-SIV): the same value of the same customer in the same field and topic always encrypts to
 * the same text, so a restarted or replayed task writes the same purpose records as before, and a purpose can still count
 * or join one customer's equal values without reading them. What it shows: that two such values are equal, nothing else.
 */
public final class DataKeys {

    static {
        try {
            DeterministicAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeyEncryptionKey kek;

    public DataKeys(KeyEncryptionKey kek) {
        this.kek = kek;
    }

    /** A new data key for the customer whose pseudonym is {@code subject}, wrapped: what goes to the key topic. */
    public byte[] newWrappedKey(String subject) {
        try {
            KeysetHandle key = KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV);
            return TinkProtoKeysetFormat.serializeEncryptedKeyset(key, kek.aead(), associatedData(subject));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make or wrap a data key", e);
        }
    }

    /**
     * A key nobody keeps, for fields that must reach a topic and must never be read: what shadow mode forwards of a record
     * enforcement would drop. Each call makes a new one.
     */
    public DeterministicAead unheldKey() {
        try {
            return KeysetHandle.generateNew(PredefinedDeterministicAeadParameters.AES256_SIV)
                    .getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a data key", e);
        }
    }

    /** The cipher of a wrapped data key; fails when the key-encryption key does not open it or it is another customer's. */
    public DeterministicAead unwrap(byte[] wrapped, String subject) {
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek.aead(), associatedData(subject))
                    .getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the data key of subject " + subject
                    + " does not open with this key-encryption key (another key, or another subject's data key)", e);
        }
    }

    private static byte[] associatedData(String subject) {
        return ("consentgate-data-key:" + subject).getBytes(StandardCharsets.UTF_8);
    }
}
