package dev.consentgate.consent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Per customer, which of their consent store keys have a version: the purposes they have a consent record
 * for, and whether they were erased. A lookup reads only those keys, where it would otherwise read every
 * key it walks past (a purpose's ancestors, the erasure key), most of which have no version.
 *
 * <p>A customer's entry exists only when it lists every key that has a version. It is made with the
 * customer's first consent record, so a customer whose records were stored before the index existed has no
 * entry and stays looked up key by key. The entry is one string of the keys' purpose parts, each
 * between separators: {@code |marketing|analytics.reporting|*|}.
 */
final class PurposeIndex {

    static final String STORE = "consent-purposes";

    private static final String SEPARATOR = "|";
    /** In {@link #recent}: the customer has no entry. Never an entry, which starts with a separator. */
    private static final String NO_ENTRY = "";

    private final KeyValueStore<String, String> store;
    /**
     * The entries of the customers read or written last, as the store holds them. Every event reads its customer's
     * entry, and Kafka Streams' record cache in front of the store finds it by walking a sorted tree of byte keys:
     * a dozen or more comparisons, each likely a processor cache miss. This task is the store's only writer and
     * writes through this map, so the map cannot go stale; it is made anew whenever the task's processor is
     * initialized, after a restore too.
     */
    private final Map<String, String> recent;

    /** @param cachedCustomers how many customers' entries {@link #recent} keeps; 0 reads every entry from the store */
    PurposeIndex(KeyValueStore<String, String> store, int cachedCustomers) {
        this.store = store;
        this.recent = new RecentEntries(cachedCustomers);
    }

    static StoreBuilder<KeyValueStore<String, String>> storeBuilder() {
        // Cached: read on every event, written only when a customer gets a consent record for a new purpose.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    /** The customer's listed keys, or null when the index cannot tell: no consent record yet, or stored before the index. */
    String listed(String customerId) {
        String listed = recent.get(customerId);
        if (listed == null) {
            listed = Objects.requireNonNullElse(store.get(customerId), NO_ENTRY);
            recent.put(customerId, listed);
        }
        return listed.isEmpty() ? null : listed;
    }

    /** Whether {@code listed}, an answer of {@link #listed}, leaves the key possibly with a version: null, which cannot tell, or listing it. */
    static boolean mayHaveVersion(String listed, StoreKey key) {
        return listed == null || holds(listed, key);
    }

    private static boolean holds(String listed, StoreKey key) {
        return listed.contains(key.listed());
    }

    /**
     * Adds a key just given a version. {@code firstOfCustomer}: the customer had no record before this one, so a
     * missing entry is started; otherwise a missing entry means records from before the index, and it stays missing.
     */
    void add(String customerId, StoreKey key, boolean firstOfCustomer) {
        String listed = listed(customerId);
        if (listed == null) {
            if (firstOfCustomer) {
                put(customerId, key.listed());
            }
        } else if (!holds(listed, key)) {
            put(customerId, listed + key.listed().substring(SEPARATOR.length()));
        }
    }

    private void put(String customerId, String listed) {
        store.put(customerId, listed);
        recent.put(customerId, listed);
    }

    /** A map of at most {@code capacity} entries that drops the one used longest ago. */
    private static final class RecentEntries extends LinkedHashMap<String, String> {

        private final int capacity;

        RecentEntries(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > capacity;
        }
    }

    /**
     * A consent store key's part after the customer id: a purpose's key or the erasure's {@code *}.
     *
     * @param suffix what follows the customer id in the consent store's key
     * @param listed how the index lists it, between separators
     */
    record StoreKey(String suffix, String listed) {

        static final StoreKey ERASURE = of("*");

        static StoreKey of(String part) {
            return new StoreKey(SEPARATOR + part, SEPARATOR + part + SEPARATOR);
        }
    }
}
