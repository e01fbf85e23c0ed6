package dev.consentgate.client;

import com.google.crypto.tink.Aead;

/**
 * The key that wraps every customer's data key: data keys are stored only encrypted under it. The interface is what a
 * key-management service gives: Tink's KMS clients ({@code KmsClient.getAead(keyUri)}) return exactly such an
 * {@link Aead}, so a cloud KMS fits without change here. The project ships one implementation, {@link KeysetKek}: a
 * Tink keyset read from a file or an environment variable.
 */
public interface KeyEncryptionKey {

    /** Encrypts and decrypts data keys; associated data binds each wrapped key to its customer. */
    Aead aead();
}
