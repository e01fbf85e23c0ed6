package dev.consentgate.enforce;

import dev.consentgate.schema.TopicDelivery;
import dev.consentgate.schema.internal.DeliverySummary;
import dev.consentgate.schema.internal.TopicSummary;
import dev.consentgate.serde.SpecificAvroBinary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Per customer (by data-key reference), what each purpose topic received since their last erasure request: records, first
 * and last time and event. An erasure notice is made from it without reading any topic; the request then starts a new
 * summary. It holds no customer id: whether a topic's records are keyed by it is a flag, and the notice fills it in.
 */
final class DeliverySummaries {

    static final String STORE = "delivery-summaries";
    /** Format byte before the Avro value: a later build that changes the value writes another and still reads this one. */
    private static final byte FORMAT = 1;
    private static final SpecificAvroBinary<DeliverySummary> BINARY = new SpecificAvroBinary<>(DeliverySummary.class);
    private static final Comparator<TopicSummary> ORDER = Comparator.comparing(TopicSummary::getTopic)
            .thenComparing(summary -> !summary.getKeyIsCustomerId());

    private final KeyValueStore<String, byte[]> store;

    DeliverySummaries(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** Cached: a customer's summary changes with each of their events, and only the last state per commit matters. */
    static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder(Map<String, String> changelogConfig) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled().withLoggingEnabled(changelogConfig);
    }

    /** A purpose record of one event: the topic it went to, and whether its key is the customer id (or their pseudonym). */
    record Delivered(String topic, boolean keyIsCustomerId) {
    }

    /**
     * Records that an event of the customer {@code subject} reached the purpose topics of {@code records}: one read and one
     * write of the summary per event, whatever the number of purposes.
     */
    void delivered(String subject, List<Delivered> records, long timestampMs, String eventId) {
        Instant timestamp = Instant.ofEpochMilli(timestampMs);
        List<TopicSummary> summaries = read(subject);
        for (Delivered record : records) {
            add(summaries, record, timestamp, eventId);
        }
        store.put(subject, encode(summaries));
    }

    private static void add(List<TopicSummary> summaries, Delivered record, Instant timestamp, String eventId) {
        TopicSummary found = summaries.stream()
                .filter(s -> s.getTopic().equals(record.topic()) && s.getKeyIsCustomerId() == record.keyIsCustomerId())
                .findFirst().orElse(null);
        if (found == null) {
            summaries.add(new TopicSummary(record.topic(), record.keyIsCustomerId(), 1L, timestamp, timestamp, eventId, eventId));
            summaries.sort(ORDER);
            return;
        }
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

    /**
     * What the purpose topics received of {@code subject} since the summary was last cleared, sorted by topic, with the
     * records' key: {@code customerId} or {@code pseudonym}.
     */
    List<TopicDelivery> of(String subject, String customerId, String pseudonym) {
        return read(subject).stream().map(s -> new TopicDelivery(s.getTopic(), s.getKeyIsCustomerId() ? customerId : pseudonym,
                s.getRecords(), s.getFirstDeliveredAt(), s.getLastDeliveredAt(), s.getFirstEventId(), s.getLastEventId())).toList();
    }

    /** Starts the summary of {@code subject} again, empty: its erasure notice is written. */
    void clear(String subject) {
        store.delete(subject);
    }

    private List<TopicSummary> read(String subject) {
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

    private static byte[] encode(List<TopicSummary> summaries) {
        byte[] avro = BINARY.encode(new DeliverySummary(summaries));
        byte[] framed = new byte[avro.length + 1];
        framed[0] = FORMAT;
        System.arraycopy(avro, 0, framed, 1, avro.length);
        return framed;
    }
}
