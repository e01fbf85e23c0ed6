package dev.consentgate.consent;

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

    private final KeyValueStore<String, String> store;

    PurposeIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    static StoreBuilder<KeyValueStore<String, String>> storeBuilder() {
        // Cached: read on every event, written only when a customer gets a consent record for a new purpose.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    /** The customer's listed keys, or null when the index cannot tell: no consent record yet, or stored before the index. */
    String listed(String customerId) {
        return store.get(customerId);
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
        String listed = store.get(customerId);
        if (listed == null) {
            if (firstOfCustomer) {
                store.put(customerId, key.listed());
            }
        } else if (!holds(listed, key)) {
            store.put(customerId, listed + key.listed().substring(SEPARATOR.length()));
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
