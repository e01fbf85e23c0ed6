package dev.consentgate.enforce;

import com.google.crypto.tink.DeterministicAead;
import dev.consentgate.client.DataKeys;
import dev.consentgate.consent.RecentlyUsed;
import dev.consentgate.output.Outbound;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The data keys of the task's customers, by pseudonym: made on a customer's first encrypted field, written wrapped to the
 * key topic (where purpose consumers read them) and kept in the task's store, the two in one transaction. Erasure destroys
 * a key in both: the store entry is deleted and the key topic gets a tombstone, which compaction turns into no record at all.
 */
final class CustomerDataKeys {

    static final String STORE = "data-keys";
    /** Unwrapped keys kept per task: unwrapping costs a decryption and a keyset parse per record otherwise. */
    private static final int CACHED_KEYS = 10_000;

    private final KeyValueStore<String, byte[]> store;
    /** Empty when the policy encrypts nothing: keys made under an earlier policy can still be destroyed, none made. */
    private final Optional<DataKeys> dataKeys;
    private final String keysTopic;
    private final Consumer<Record<byte[], Outbound>> forward;
    private final Map<String, DeterministicAead> unwrapped = new RecentlyUsed<>(CACHED_KEYS);

    CustomerDataKeys(KeyValueStore<String, byte[]> store, Optional<DataKeys> dataKeys, String keysTopic, Consumer<Record<byte[], Outbound>> forward) {
        this.store = store;
        this.dataKeys = dataKeys;
        this.keysTopic = keysTopic;
        this.forward = forward;
    }

    /** @param changelogConfig settings of the changelog, which holds the keys as the key topic does */
    static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder(Map<String, String> changelogConfig) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(changelogConfig);
    }

    /** The data key of the customer with pseudonym {@code subject}, made (and written to the key topic) if it has none. */
    DeterministicAead keyOf(String subject, long timestamp) {
        DeterministicAead key = unwrapped.get(subject);
        if (key != null) {
            return key;
        }
        DataKeys keys = dataKeys.orElseThrow(() -> new IllegalStateException("the policy encrypts nothing: no data key is made"));
        byte[] wrapped = store.get(subject);
        if (wrapped == null) {
            wrapped = keys.newWrappedKey(subject);
            store.put(subject, wrapped);
            forward.accept(new Record<>(utf8(subject), new Outbound(keysTopic, wrapped), timestamp));
        }
        key = keys.unwrap(wrapped, subject);
        unwrapped.put(subject, key);
        return key;
    }

    /** A key nobody keeps: fields encrypted under it are unreadable from the start ({@link DataKeys#unheldKey()}). */
    DeterministicAead unheldKey() {
        return dataKeys.orElseThrow(() -> new IllegalStateException("the policy encrypts nothing: no data key is made")).unheldKey();
    }

    /**
     * Destroys the customer's data key, if it has one: everything encrypted under it, in every purpose topic, can no longer
     * be read. The store is consulted whatever the policy now says, so a key made under an earlier policy that encrypted is
     * destroyed too.
     */
    void destroy(String subject, long timestamp) {
        unwrapped.remove(subject);
        if (store.delete(subject) != null) {
            forward.accept(new Record<>(utf8(subject), new Outbound(keysTopic, null), timestamp));
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
