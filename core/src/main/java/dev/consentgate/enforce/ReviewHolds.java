package dev.consentgate.enforce;

import dev.consentgate.schema.internal.HeldRecord;
import dev.consentgate.serde.SpecificAvroBinary;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The records a task holds for a reviewer, by review id. A held record is taken out once, by the first decision on it:
 * under exactly-once the removal commits with the decision's outputs, so a restart, a replay or a duplicate decision finds
 * it gone and forwards nothing twice.
 */
final class ReviewHolds {

    static final String STORE = "review-holds";
    /** Format byte before the Avro value: a later build that changes the value writes another and still reads this one. */
    private static final byte FORMAT = 1;
    private static final SpecificAvroBinary<HeldRecord> BINARY = new SpecificAvroBinary<>(HeldRecord.class);

    /** How many records wait, and the decision time of the oldest, epoch millis. */
    record Queue(long size, OptionalLong oldestHeldAt) {
    }

    private final KeyValueStore<String, byte[]> store;

    ReviewHolds(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /**
     * Not cached: a hold is read back only by a reviewer's decision, long after. Held records are events with their customer
     * id, removed once decided: the changelog is compacted like the data an erasure removes, so a decided one is soon gone.
     */
    static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder(Map<String, String> changelogConfig) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(changelogConfig);
    }

    void hold(ReviewId id, HeldRecord record) {
        byte[] encoded = BINARY.encode(record);
        byte[] value = new byte[encoded.length + 1];
        value[0] = FORMAT;
        System.arraycopy(encoded, 0, value, 1, encoded.length);
        store.put(id.toString(), value);
    }

    /** The record held under {@code id}, removed from the store; empty when none is (never held, or decided already). */
    Optional<HeldRecord> take(String id) {
        byte[] value = store.get(id);
        if (value == null) {
            return Optional.empty();
        }
        store.delete(id);
        return Optional.of(decode(value));
    }

    /** Walks the whole store: for the queue gauges, on a timer, never per record. */
    Queue queue() {
        long size = 0;
        long oldest = Long.MAX_VALUE;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                size++;
                oldest = Math.min(oldest, decode(entry.value).getHeldAt());
            }
        }
        return new Queue(size, size == 0 ? OptionalLong.empty() : OptionalLong.of(oldest));
    }

    private static HeldRecord decode(byte[] value) {
        if (value[0] != FORMAT) {
            throw new IllegalStateException("held record of unknown format " + value[0] + " in " + STORE);
        }
        return BINARY.decode(value, 1, value.length - 1);
    }
}
