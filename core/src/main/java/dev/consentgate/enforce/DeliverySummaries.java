package dev.consentgate.enforce;

import dev.consentgate.consent.RecentlyUsed;
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
 * Per customer (by data-key reference), what each purpose topic received since their last erasure request: records, and
 * the timestamp and event of the first and the last record delivered. An erasure notice is made from it without reading any topic; the request then starts a new
 * summary. It holds no customer id: whether a topic's records are keyed by it is a flag, and the notice's locator fills it in.
 */
final class DeliverySummaries {

    static final String STORE = "delivery-summaries";
    /** Format byte before the Avro value: a later build that changes the value writes another and still reads this one. */
    private static final byte FORMAT = 1;
    private static final SpecificAvroBinary<DeliverySummary> BINARY = new SpecificAvroBinary<>(DeliverySummary.class);
    private static final Comparator<TopicSummary> ORDER = Comparator.comparing(TopicSummary::getTopic)
            .thenComparing(summary -> !summary.getKeyIsCustomerId());

    private final KeyValueStore<String, byte[]> store;
    /**
     * The summaries of the customers delivered to last, as stored. Every delivering event reads its customer's summary,
     * and the store's cache holds few of them once a task serves many customers: a read then reaches RocksDB. This task
     * is the store's only writer and writes through this map, which is made anew with the processor, after a restore too.
     */
    private final Map<String, byte[]> recent;

    /** @param cachedCustomers how many customers' summaries are kept in memory; 0 reads every one from the store */
    DeliverySummaries(KeyValueStore<String, byte[]> store, int cachedCustomers) {
        this.store = store;
        this.recent = new RecentlyUsed<>(cachedCustomers);
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
        byte[] encoded = encode(summaries);
        store.put(subject, encoded);
        recent.put(subject, encoded);
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
        // First and last in delivery order, not by time: a customer's records in a topic share a partition and follow
        // each other in it, so the offsets of the first and the last bound every one of them.
        found.setLastDeliveredAt(timestamp);
        found.setLastEventId(eventId);
    }

    /** What the purpose topics received of {@code subject} since the summary was last cleared, sorted by topic. */
    List<TopicSummary> of(String subject) {
        return read(subject);
    }

    /** Starts the summary of {@code subject} again, empty: its erasure notice is written. */
    void clear(String subject) {
        store.delete(subject);
        recent.remove(subject);
    }

    private List<TopicSummary> read(String subject) {
        byte[] bytes = recent.get(subject);
        if (bytes == null) {
            bytes = store.get(subject);
        }
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
