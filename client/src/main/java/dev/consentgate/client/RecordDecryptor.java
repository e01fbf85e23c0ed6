package dev.consentgate.client;

import com.google.crypto.tink.DeterministicAead;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Decrypts the encrypted fields of purpose records, at any depth, with the data keys of a {@link DataKeyRing} and the
 * key-encryption key. A field comes back as the text form of its value (an email as it was, a number in decimal). Records
 * whose customer was erased fail with {@link ErasedDataKeyException}: their fields are gone, and no guess replaces them.
 */
public final class RecordDecryptor {

    /** Unwrapped keys kept: unwrapping costs a decryption and a keyset parse; a consumer reads runs of one customer's records. */
    private static final int CACHED_KEYS = 1_000;

    private final WrappedKeys ring;
    private final DataKeys dataKeys;
    private final Map<String, DeterministicAead> unwrapped = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DeterministicAead> eldest) {
            return size() > CACHED_KEYS;
        }
    };

    public RecordDecryptor(WrappedKeys ring, KeyEncryptionKey kek) {
        this.ring = ring;
        this.dataKeys = new DataKeys(kek);
    }

    /**
     * A copy of {@code record} of {@code topic} with its encrypted fields decrypted; {@code subject} is the record's
     * {@link EncryptedFields#SUBJECT_HEADER}.
     */
    public synchronized GenericRecord decrypt(String topic, String subject, GenericRecord record) {
        GenericRecord copy = GenericData.get().deepCopy(record.getSchema(), record);
        boolean[] holdsValues = {false};
        forEncryptedFields(copy, "", (owner, field, path) -> holdsValues[0] = true);
        if (!holdsValues[0]) {
            // Only null values: the service made no data key for them, and there is nothing to open.
            return copy;
        }
        DeterministicAead key = unwrapped.get(subject);
        if (key == null) {
            byte[] wrapped = ring.wrappedKey(subject).orElseThrow(() -> new ErasedDataKeyException(topic, subject));
            key = dataKeys.unwrap(wrapped, subject);
            unwrapped.put(subject, key);
        }
        decryptFields(copy, "", topic, subject, key);
        return copy;
    }

    /** Forgets unwrapped keys and reads the key topic again: a consumer calls it to see erasures made since. */
    public synchronized void refresh() {
        unwrapped.clear();
        ring.refresh();
    }

    /** A copy of {@code record} with every encrypted field set to null: what is left of it once its customer was erased. */
    public static GenericRecord withoutEncryptedFields(GenericRecord record) {
        GenericRecord copy = GenericData.get().deepCopy(record.getSchema(), record);
        forEncryptedFields(copy, "", (owner, field, path) -> owner.put(field.pos(), null));
        return copy;
    }

    private static void decryptFields(GenericRecord record, String prefix, String topic, String subject, DeterministicAead key) {
        forEncryptedFields(record, prefix, (owner, field, path) -> {
            try {
                owner.put(field.pos(), FieldCipher.decrypt(key, topic, path, owner.get(field.pos()).toString()));
            } catch (IllegalArgumentException e) {
                throw new ErasedDataKeyException(topic, subject, path);
            }
        });
    }

    /** What is done to each encrypted field holding a value: {@code path} is its dotted path from the record's top. */
    private interface FieldVisitor {
        void visit(GenericRecord owner, Schema.Field field, String path);
    }

    private static void forEncryptedFields(GenericRecord record, String prefix, FieldVisitor visitor) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            String path = prefix + field.name();
            if (value == null) {
                continue;
            }
            if (EncryptedFields.ENCRYPT.equals(field.getProp(EncryptedFields.ACTION_PROPERTY))) {
                visitor.visit(record, field, path);
            } else if (value instanceof GenericRecord nested) {
                forEncryptedFields(nested, path + ".", visitor);
            }
        }
    }
}
