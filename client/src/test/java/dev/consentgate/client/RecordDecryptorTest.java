package dev.consentgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.DeterministicAead;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Encrypted fields at any depth open with their subject's key; what cannot be read says why and is never guessed. */
class RecordDecryptorTest {

    private static final String TOPIC = "crm.purpose.marketing";
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Contact", "fields": [
              {"name": "customerId", "type": "string"},
              {"name": "email", "type": ["null", "string"], "default": null, "consentgate_action": "encrypt"},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "street", "type": ["null", "string"], "default": null, "consentgate_action": "encrypt"},
                {"name": "country", "type": "string"}]}}]}
            """);

    private final KeysetKek kek = KeysetKek.fromJson(KeysetKek.generate(), "test");
    private final DataKeys dataKeys = new DataKeys(kek);
    private final Map<String, byte[]> topic = new HashMap<>();
    private final WrappedKeys keys = new WrappedKeys() {
        @Override
        public Optional<byte[]> wrappedKey(String subject) {
            return Optional.ofNullable(topic.get(subject));
        }

        @Override
        public void refresh() {
        }
    };

    @Test
    void nestedAndTopLevelFieldsOpenWithTheSubjectsKey() {
        topic.put("s-1", dataKeys.newWrappedKey("s-1"));
        GenericRecord record = contact(encrypted("s-1", "email", "jane@example.com"), encrypted("s-1", "address.street", "1 Main St"));

        GenericRecord decrypted = new RecordDecryptor(keys, kek).decrypt(TOPIC, "s-1", record);

        assertThat(decrypted.toString()).isEqualTo("{\"customerId\": \"c-1\", \"email\": \"jane@example.com\", "
                + "\"address\": {\"street\": \"1 Main St\", \"country\": \"GB\"}}");
    }

    @Test
    void aRecordWhoseEncryptedFieldsAreNullNeedsNoKey() {
        GenericRecord record = contact(null, null);

        assertThat(new RecordDecryptor(keys, kek).decrypt(TOPIC, "never-keyed", record)).isEqualTo(record);
    }

    @Test
    void aDestroyedKeyIsToldAsAnErasure() {
        GenericRecord record = contact("AAAA", null);

        assertThatThrownBy(() -> new RecordDecryptor(keys, kek).decrypt(TOPIC, "s-1", record))
                .isInstanceOf(ErasedDataKeyException.class)
                .hasMessage("the encrypted fields of this record of " + TOPIC + " cannot be read: the data key of subject s-1 was "
                        + "destroyed by an erasure request");
    }

    @Test
    void aFieldEncryptedUnderAKeyDestroyedBeforeTheSubjectsNewOneIsToldAsAnErasureToo() {
        topic.put("s-1", dataKeys.newWrappedKey("s-1"));
        GenericRecord before = contact(encrypted("s-1", "email", "jane@example.com"), null);
        topic.put("s-1", dataKeys.newWrappedKey("s-1"));

        assertThatThrownBy(() -> new RecordDecryptor(keys, kek).decrypt(TOPIC, "s-1", before))
                .isInstanceOf(ErasedDataKeyException.class)
                .hasMessage("field email of this record of " + TOPIC + " cannot be read: it was encrypted under a data key of subject s-1 "
                        + "that an erasure request destroyed (the subject's key now is a later one), or it was changed");
    }

    @Test
    void whatIsLeftOfAnErasedRecordHasNoEncryptedValueAtAnyDepth() {
        GenericRecord record = contact("AAAA", "BBBB");

        assertThat(RecordDecryptor.withoutEncryptedFields(record).toString()).isEqualTo("{\"customerId\": \"c-1\", \"email\": null, "
                + "\"address\": {\"street\": null, \"country\": \"GB\"}}");
    }

    private String encrypted(String subject, String field, String value) {
        DeterministicAead key = dataKeys.unwrap(topic.get(subject), subject);
        return FieldCipher.encrypt(key, TOPIC, field, value);
    }

    private static GenericRecord contact(String email, String street) {
        GenericRecord address = new GenericData.Record(SCHEMA.getField("address").schema());
        address.put("street", street);
        address.put("country", "GB");
        GenericRecord contact = new GenericData.Record(SCHEMA);
        contact.put("customerId", "c-1");
        contact.put("email", email);
        contact.put("address", address);
        return contact;
    }
}
