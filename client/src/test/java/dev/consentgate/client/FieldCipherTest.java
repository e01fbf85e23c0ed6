package dev.consentgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.DeterministicAead;
import org.junit.jupiter.api.Test;

/** A field's ciphertext opens only with its customer's key, in its own field and topic, and never shows the value. */
class FieldCipherTest {

    private static final KeysetKek KEK = KeysetKek.fromJson(KeysetKek.generate(), "test");
    private static final DataKeys DATA_KEYS = new DataKeys(KEK);
    private static final String TOPIC = "crm.purpose.marketing";

    private final DeterministicAead key = DATA_KEYS.unwrap(DATA_KEYS.newWrappedKey("subject-1"), "subject-1");

    @Test
    void aValueComesBackFromItsOwnFieldAndTopic() {
        String encrypted = FieldCipher.encrypt(key, TOPIC, "contact.email", "jane@example.com");

        assertThat(encrypted).doesNotContain("jane").isBase64();
        assertThat(FieldCipher.decrypt(key, TOPIC, "contact.email", encrypted)).isEqualTo("jane@example.com");
    }

    @Test
    void theSameValueEncryptsTheSameInOneFieldAndDifferentlyElsewhere() {
        String once = FieldCipher.encrypt(key, TOPIC, "email", "jane@example.com");

        assertThat(FieldCipher.encrypt(key, TOPIC, "email", "jane@example.com")).isEqualTo(once);
        assertThat(FieldCipher.encrypt(key, TOPIC, "backupEmail", "jane@example.com")).isNotEqualTo(once);
        assertThat(FieldCipher.encrypt(key, "crm.purpose.analytics", "email", "jane@example.com")).isNotEqualTo(once);
    }

    @Test
    void aCiphertextMovedToAnotherFieldOrTopicOrChangedDoesNotOpen() {
        String encrypted = FieldCipher.encrypt(key, TOPIC, "email", "jane@example.com");
        String message = " does not decrypt with its customer's data key: it was changed, moved from another field or topic, or is not encrypted";

        assertThatThrownBy(() -> FieldCipher.decrypt(key, TOPIC, "phone", encrypted)).hasMessage("field phone of topic " + TOPIC + message);
        assertThatThrownBy(() -> FieldCipher.decrypt(key, "other", "email", encrypted)).hasMessage("field email of topic other" + message);
        String flipped = (encrypted.charAt(10) == 'A' ? "B" : "A");
        String changed = encrypted.substring(0, 10) + flipped + encrypted.substring(11);
        assertThatThrownBy(() -> FieldCipher.decrypt(key, TOPIC, "email", changed)).hasMessage("field email of topic " + TOPIC + message);
        assertThatThrownBy(() -> FieldCipher.decrypt(key, TOPIC, "email", "plain text")).hasMessage("field email of topic " + TOPIC + message);
    }

    @Test
    void anotherCustomersKeyDoesNotOpenIt() {
        String encrypted = FieldCipher.encrypt(key, TOPIC, "email", "jane@example.com");
        DeterministicAead other = DATA_KEYS.unwrap(DATA_KEYS.newWrappedKey("subject-2"), "subject-2");

        assertThatThrownBy(() -> FieldCipher.decrypt(other, TOPIC, "email", encrypted)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWrappedKeyOpensOnlyForItsSubjectAndUnderItsKeyEncryptionKey() {
        byte[] wrapped = DATA_KEYS.newWrappedKey("subject-1");

        assertThatThrownBy(() -> DATA_KEYS.unwrap(wrapped, "subject-2"))
                .hasMessage("the data key of subject subject-2 does not open with this key-encryption key (another key, or another "
                        + "subject's data key)");
        DataKeys otherKek = new DataKeys(KeysetKek.fromJson(KeysetKek.generate(), "other"));
        assertThatThrownBy(() -> otherKek.unwrap(wrapped, "subject-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyEncryptionKeyThatIsNoKeysetIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> KeysetKek.fromJson("{\"secret\": \"hunter2\"}", "consentgate.keys.kek"))
                .hasMessageStartingWith("consentgate.keys.kek does not hold a Tink AEAD keyset in JSON")
                .hasMessageNotContaining("hunter2");
        assertThat(KEK.toString()).isEqualTo("KeysetKek[key hidden]");
    }
}
