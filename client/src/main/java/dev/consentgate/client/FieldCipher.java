package dev.consentgate.client;

import com.google.crypto.tink.DeterministicAead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Encrypts one field value for one purpose topic: the text form of the value, encrypted under the customer's data key,
 * as base64. The topic and the field's dotted path are the associated data, so a ciphertext moved to another field or
 * topic does not decrypt, and the same value sent to two purposes gives two unrelated texts.
 */
public final class FieldCipher {

    private FieldCipher() {
    }

    public static String encrypt(DeterministicAead key, String topic, String fieldPath, String text) {
        try {
            return Base64.getEncoder().encodeToString(key.encryptDeterministically(text.getBytes(StandardCharsets.UTF_8),
                    associatedData(topic, fieldPath)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt field " + fieldPath, e);
        }
    }

    public static String decrypt(DeterministicAead key, String topic, String fieldPath, String encrypted) {
        try {
            return new String(key.decryptDeterministically(Base64.getDecoder().decode(encrypted), associatedData(topic, fieldPath)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + fieldPath + " of topic " + topic
                    + " does not decrypt with its customer's data key: it was changed, moved from another field or topic, or is not encrypted");
        }
    }

    private static byte[] associatedData(String topic, String fieldPath) {
        return ("consentgate-field:" + topic + "\0" + fieldPath).getBytes(StandardCharsets.UTF_8);
    }
}
