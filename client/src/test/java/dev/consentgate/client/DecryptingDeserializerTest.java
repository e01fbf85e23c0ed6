package dev.consentgate.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** A consumer misconfigured for decryption is told what is wrong before it reads anything, never with the key in the message. */
class DecryptingDeserializerTest {

    private static Map<String, Object> settings(Object... keysAndValues) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", "localhost:1");
        settings.put(DecryptingDeserializer.INNER, ByteArrayDeserializer.class.getName());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    @Test
    void theInnerDeserializerIsRequired() {
        Map<String, Object> settings = settings();
        settings.remove(DecryptingDeserializer.INNER);

        assertThatThrownBy(() -> new DecryptingDeserializer().configure(settings, false)).isInstanceOf(KafkaException.class)
                .hasMessage("consentgate.decrypt.value.deserializer is not set: it names the Avro deserializer whose records are decrypted");
    }

    @Test
    void exactlyOneKeyEncryptionKeyIsRequired() {
        String message = "set one of consentgate.keys.kek, consentgate.keys.kek.file and consentgate.keys.kek.env: the key-encryption "
                + "key that opens the data keys";

        assertThatThrownBy(() -> new DecryptingDeserializer().configure(settings(), false)).hasMessage(message);
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(settings(DecryptingDeserializer.KEK, KeysetKek.generate(),
                DecryptingDeserializer.KEK_ENV, "SOME_VARIABLE"), false)).hasMessage(message);
    }

    @Test
    void aKeyThatIsNoKeysetIsToldWithoutShowingIt() {
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(settings(DecryptingDeserializer.KEK, "hunter2-secret"), false))
                .isInstanceOf(KafkaException.class)
                .hasMessageStartingWith("consentgate.keys.kek does not hold a Tink AEAD keyset in JSON")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anUnknownErasureBehaviourAndKeysAreRefused() {
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(settings(DecryptingDeserializer.ON_ERASED, "skip"), false))
                .hasMessage("consentgate.decrypt.on.erased must be fail or null, not skip");
        assertThatThrownBy(() -> new DecryptingDeserializer().configure(settings(), true))
                .hasMessage("DecryptingDeserializer reads record values; keys are never encrypted");
    }

    @Test
    void anUnconfiguredDeserializerSaysSoInsteadOfFailingOnNull() {
        assertThatThrownBy(() -> new DecryptingDeserializer().deserialize("topic", null, new byte[] {1}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DecryptingDeserializer was not configured: name it in value.deserializer, so the consumer configures it, "
                        + "or call configure first");
    }
}
