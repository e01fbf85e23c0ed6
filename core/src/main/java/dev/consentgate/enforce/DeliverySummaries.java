package dev.consentgate.enforce;

import dev.consentgate.schema.TopicDelivery;
import dev.consentgate.schema.internal.DeliverySummary;
import dev.consentgate.serde.SpecificAvroBinary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Per customer (by pseudonym), what each purpose topic received since their last erasure request: records, first and last
 * time and event. An erasure notice is made from it without reading any topic; the request then starts a new summary.
 */
final class DeliverySummaries {

    static final String STORE = "delivery-summaries";
    /** Format byte before the Avro value: a later build that changes the value writes another and still reads this one. */
    private static final byte FORMAT = 1;
    private static final SpecificAvroBinary<DeliverySummary> BINARY = new SpecificAvroBinary<>(DeliverySummary.class);

    private final KeyValueStore<String, byte[]> store;

    DeliverySummaries(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** Cached: a customer's summary changes with each of their events, and only the last state per commit matters. */
    static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()).withCachingEnabled();
    }

    /** A purpose record of one event: the topic it went to and its key there. */
    record Delivered(String topic, String recordKey) {
    }

    /**
     * Records that an event of the customer {@code subject} reached the purpose topics of {@code records}: one read and one
     * write of the summary per event, whatever the number of purposes.
     */
    void delivered(String subject, List<Delivered> records, long timestampMs, String eventId) {
        Instant timestamp = Instant.ofEpochMilli(timestampMs);
        List<TopicDelivery> deliveries = read(subject);
        for (Delivered record : records) {
            add(deliveries, record.topic(), record.recordKey(), timestamp, eventId);
        }
        store.put(subject, encode(deliveries));
    }

    private static void add(List<TopicDelivery> deliveries, String topic, String recordKey, Instant timestamp, String eventId) {
        TopicDelivery found = deliveries.stream().filter(d -> d.getTopic().equals(topic) && d.getRecordKey().equals(recordKey))
                .findFirst().orElse(null);
        if (found == null) {
            deliveries.add(new TopicDelivery(topic, recordKey, 1L, timestamp, timestamp, eventId, eventId));
            deliveries.sort(Comparator.comparing(TopicDelivery::getTopic).thenComparing(TopicDelivery::getRecordKey));
        } else {
            found.setRecords(found.getRecords() + 1);
            // Records come in decision order, not time order: the first and last are by time.
            if (timestamp.isBefore(found.getFirstDeliveredAt())) {
                found.setFirstDeliveredAt(timestamp);
                found.setFirstEventId(eventId);
            }
            if (!timestamp.isBefore(found.getLastDeliveredAt())) {
                found.setLastDeliveredAt(timestamp);
                found.setLastEventId(eventId);
            }
        }
    }

    /** What the purpose topics received of {@code subject}, sorted by topic; the summary starts again empty. */
    List<TopicDelivery> take(String subject) {
        List<TopicDelivery> deliveries = read(subject);
        store.delete(subject);
        return deliveries;
    }

    private List<TopicDelivery> read(String subject) {
        byte[] bytes = store.get(subject);
        if (bytes == null) {
            return new ArrayList<>();
        }
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new IllegalStateException("a delivery summary of format " + (bytes.length == 0 ? "(empty)" : bytes[0])
                    + "; this build reads format " + FORMAT);
        }
        return new ArrayList<>(BINARY.decode(bytes, 1, bytes.length - 1).getDeliveries());
    }

    private static byte[] encode(List<TopicDelivery> deliveries) {
        byte[] avro = BINARY.encode(new DeliverySummary(deliveries));
        byte[] framed = new byte[avro.length + 1];
        framed[0] = FORMAT;
        System.arraycopy(avro, 0, framed, 1, avro.length);
        return framed;
    }
}
