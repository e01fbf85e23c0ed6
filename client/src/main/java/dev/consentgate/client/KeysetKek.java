package dev.consentgate.client;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * A key-encryption key held as a Tink AEAD keyset in JSON (AES-256-GCM, made by {@link #generate()}): from a file, such as a
 * mounted Kubernetes Secret, or from an environment variable. A keyset may hold several keys: Tink encrypts with its
 * primary and decrypts with any, which is how the key-encryption key rotates without re-wrapping old data keys at once.
 */
public final class KeysetKek implements KeyEncryptionKey {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Aead aead;

    private KeysetKek(Aead aead) {
        this.aead = aead;
    }

    /** The keyset in {@code json}; {@code source} names where it came from in errors, never its content. */
    public static KeysetKek fromJson(String json, String source) {
        try {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return new KeysetKek(handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(source + " does not hold a Tink AEAD keyset in JSON (make one with `consentgate keys kek`): "
                    + e.getClass().getSimpleName());
        }
    }

    public static KeysetKek fromFile(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), "key-encryption key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key-encryption key file " + file, e);
        }
    }

    public static KeysetKek fromEnvironment(String variable) {
        String json = System.getenv(variable);
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " (the key-encryption key) is not set");
        }
        return fromJson(json, "environment variable " + variable);
    }

    /** A new AES-256-GCM keyset in JSON, to be kept as a secret. */
    public static String generate() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
                    InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an AES-256-GCM keyset", e);
        }
    }

    @Override
    public Aead aead() {
        return aead;
    }

    @Override
    public String toString() {
        return "KeysetKek[key hidden]";
    }
}
