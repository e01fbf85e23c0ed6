package dev.consentgate.consent;

import dev.consentgate.policy.ConsentAnswer;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Purpose;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Consent as of any time, per customer, in a key-value store co-partitioned with the CRM events by
 * customer id: one value per customer ({@link CustomerHistory}) with every purpose's statements and the
 * customer's jurisdictions over time, so a decision reads the store once.
 *
 * <p>Pseudonymous: the store is keyed by the customer id's HMAC under the state key, and its values hold
 * statements, never the customer id, so neither the store nor its changelog names a customer. The callers
 * speak of customer ids; only this class hashes them.
 *
 * <p>Not Kafka Streams' versioned store: its RocksDB implementation (4.3.1) does not see the older versions
 * it wrote before the store was closed, so after a restart on the same state directory a lookup before a
 * key's latest version finds nothing. Here every answer comes from the one value, whatever was restarted.
 */
public final class ConsentHistory {

    public static final String CONSENT_STORE = "consent-histories";
    /**
     * Keeps the highest consent time seen by this task (the history's cut-off follows it) and the offsets of the
     * last consent records applied from the consent topic and the rerouted-consent topic, which tell an auditor's
     * replay exactly what the history held.
     */
    public static final String WATERMARK_STORE = "consent-watermarks";

    private static final String MAX_CONSENT_TIME = "max-consent-time";
    private static final String LAST_READ_OFFSET = "consent-read-offset";
    private static final String LAST_REROUTED_OFFSET = "rerouted-read-offset";
    /**
     * The key under which builds with the versioned consent stores kept their last read offset. Found, the consent
     * topic's committed offsets are past records whose statements the new store never saw: deciding on would forget
     * every objection and erasure among them, so the task refuses to start (see docs/operations.md, upgrading).
     */
    private static final String VERSIONED_STORE_READ_OFFSET = "last-read-offset";
    /**
     * The fingerprint of the state key the store's keys were hashed with, as a long. A history kept under another key,
     * or under the raw customer id by builds before pseudonymous state, would never be found again: every customer would
     * look unknown and their objections and erasures forgotten, so the task refuses to start instead.
     */
    private static final String STATE_KEY_FINGERPRINT = "state-key-fingerprint";
    private static final int MAX_CACHED_PURPOSES = 10_000;

    private final KeyValueStore<String, CustomerHistory> store;
    private final KeyValueStore<String, Long> watermarks;
    private final KeyedHash stateKey;
    private final long stateKeyFingerprint;
    private boolean fingerprintStored;
    private final long historyRetentionMs;
    /**
     * The histories of the customers read or written last, decoded. Every event reads its customer's history, and
     * decoding it each time would cost more than the lookup. This task is the store's only writer and writes through
     * this map, so it cannot go stale; it is made anew whenever the task's processor is initialized, after a restore too.
     * Keyed by customer id: it lives in memory only, and a hit costs no HMAC.
     */
    private final Map<String, CustomerHistory> recent;
    /** Per purpose, the keys to look at (itself, then its ancestors): built once, not per lookup. */
    private final Map<Purpose, List<String>> ancestorKeys = new HashMap<>();
    private long maxConsentTime;
    private long lastReadOffset;
    private long lastReroutedOffset;

    private ConsentHistory(KeyValueStore<String, CustomerHistory> store, KeyValueStore<String, Long> watermarks,
                           KeyedHash stateKey, Duration historyRetention, int cachedCustomers) {
        this.store = store;
        this.watermarks = watermarks;
        this.stateKey = stateKey;
        this.stateKeyFingerprint = Long.parseUnsignedLong(stateKey.fingerprint(), 16);
        this.historyRetentionMs = historyRetention.toMillis();
        this.recent = new RecentlyUsed<>(cachedCustomers);
        if (watermarks.get(VERSIONED_STORE_READ_OFFSET) != null) {
            throw new IllegalStateException("the state of this application was written by a ConsentGate build with the versioned consent"
                    + " stores, and this build keeps consent in the consent-histories store, which is empty: the consent topic must be"
                    + " read again from its start. Follow docs/operations.md, Upgrading: reset the consent topic's offsets, delete the"
                    + " changelogs of the old consent stores and of consent-watermarks, and the state directories");
        }
        this.fingerprintStored = refuseStateOfAnotherKey();
        Long stored = watermarks.get(MAX_CONSENT_TIME);
        this.maxConsentTime = stored == null ? Long.MIN_VALUE : stored;
        this.lastReadOffset = offset(watermarks, LAST_READ_OFFSET);
        this.lastReroutedOffset = offset(watermarks, LAST_REROUTED_OFFSET);
    }

    /**
     * Whether the stores were written under this state key; empty stores are fresh. State written under another key, or
     * by a build that kept consent by customer id (histories or consent watermarks without a fingerprint), stops the task.
     *
     * @return true when the fingerprint is already stored
     */
    private boolean refuseStateOfAnotherKey() {
        Long stored = watermarks.get(STATE_KEY_FINGERPRINT);
        if (stored != null && stored != stateKeyFingerprint) {
            throw new IllegalStateException("the consent histories of this application are keyed under another state key than "
                    + "consentgate.keys.state (or consentgate.hmac.key, its default), so no customer's history would be found: set "
                    + "the key they were written with, or reset the application's state as docs/operations.md, The state key, says");
        }
        if (stored == null && (holdsConsentWatermarks() || holdsHistories())) {
            throw new IllegalStateException("the state of this application was written by a ConsentGate build that kept consent"
                    + " histories by customer id, and this build keys them by the customer id's HMAC: the consent topic must be"
                    + " read again from its start. Follow docs/operations.md, Upgrading: reset the consent topic's offsets, delete the"
                    + " changelogs of consent-histories and consent-watermarks, and the state directories");
        }
        return stored != null;
    }

    private boolean holdsConsentWatermarks() {
        return watermarks.get(MAX_CONSENT_TIME) != null || watermarks.get(LAST_READ_OFFSET) != null
                || watermarks.get(LAST_REROUTED_OFFSET) != null;
    }

    private boolean holdsHistories() {
        try (KeyValueIterator<String, CustomerHistory> all = store.all()) {
            return all.hasNext();
        }
    }

    private static long offset(KeyValueStore<String, Long> watermarks, String key) {
        Long offset = watermarks.get(key);
        return offset == null ? -1 : offset;
    }

    /**
     * The history over the stores of {@link #storeBuilders()}, which the processor of {@code context} must be connected to.
     *
     * @param stateKey        hashes customer ids into the store's keys
     * @param cachedCustomers how many customers' histories are kept decoded in memory; 0 decodes every one read
     */
    public static ConsentHistory open(ProcessorContext<?, ?> context, KeyedHash stateKey, Duration historyRetention,
                                      int cachedCustomers) {
        return new ConsentHistory(context.getStateStore(CONSENT_STORE), context.getStateStore(WATERMARK_STORE), stateKey,
                historyRetention, cachedCustomers);
    }

    /** The store builders, to add to the topology once. */
    public static List<StoreBuilder<?>> storeBuilders() {
        // Both cached: the changelog needs a customer's history and the watermarks once per commit, not per record.
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONSENT_STORE), Serdes.String(), new CustomerHistorySerde())
                        .withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE), Serdes.String(), Serdes.Long())
                        .withCachingEnabled());
    }

    /** Notes that the consent record at {@code offset} of this task's consent partition was applied. */
    public void markRead(long offset) {
        lastReadOffset = offset;
        putWatermark(LAST_READ_OFFSET, offset);
    }

    /** Notes that the consent record at {@code offset} of this task's rerouted-consent partition was applied. */
    public void markRerouted(long offset) {
        lastReroutedOffset = offset;
        putWatermark(LAST_REROUTED_OFFSET, offset);
    }

    /**
     * The offset of the last consent record applied from the consent partition, -1 before the first: with
     * {@link #lastReroutedOffset()}, the history holds exactly the records up to it that belong to this partition.
     */
    public long lastReadOffset() {
        return lastReadOffset;
    }

    /** The offset of the last consent record applied from the rerouted-consent partition, -1 before the first. */
    public long lastReroutedOffset() {
        return lastReroutedOffset;
    }

    /** The latest capture time of the consent records stored, {@link Long#MIN_VALUE} before the first. */
    public long latestCaptureTime() {
        return maxConsentTime;
    }

    /**
     * Records one consent change as of its capture time, wherever that lies: a change older than the history's
     * cut-off still counts if no later change of its purpose came before the cut-off.
     */
    public void record(String customerId, ConsentState state) {
        // Changed below before it is stored: should the store refuse it, the next read must not find the change.
        CustomerHistory history = history(customerId);
        recent.remove(customerId);
        if (state.capturedAt() > maxConsentTime) {
            maxConsentTime = state.capturedAt();
            putWatermark(MAX_CONSENT_TIME, maxConsentTime);
        }
        if (history == null) {
            history = new CustomerHistory();
        }
        history.add(state, maxConsentTime - historyRetentionMs);
        storeFingerprint();
        store.put(stateKey.hex(customerId), history);
        recent.put(customerId, history);
    }

    /**
     * One customer's history and the task's latest capture time as they were: what {@link #restore} puts back. Opaque
     * outside this package: only the history that took it reads it.
     */
    public static final class Snapshot {

        private final String customerId;
        private final CustomerHistory history;
        private final long maxConsentTime;

        private Snapshot(String customerId, CustomerHistory history, long maxConsentTime) {
            this.customerId = customerId;
            this.history = history;
            this.maxConsentTime = maxConsentTime;
        }
    }

    /** A copy of the customer's history as it is now, to {@link #restore} should what is recorded next not stand. */
    public Snapshot snapshot(String customerId) {
        CustomerHistory current = history(customerId);
        return new Snapshot(customerId, current == null ? null : CustomerHistory.of(current.statements(), current.jurisdictions()),
                maxConsentTime);
    }

    /** Puts the customer's history and the latest capture time back as {@code snapshot} found them. */
    public void restore(Snapshot snapshot) {
        String key = stateKey.hex(snapshot.customerId);
        recent.remove(snapshot.customerId);
        if (snapshot.history == null) {
            store.delete(key);
        } else {
            store.put(key, snapshot.history);
        }
        if (maxConsentTime != snapshot.maxConsentTime) {
            maxConsentTime = snapshot.maxConsentTime;
            putWatermark(MAX_CONSENT_TIME, maxConsentTime);
        }
    }

    /**
     * The consent in force for {@code purpose} at {@code time}: the latest statement captured at or before
     * {@code time} about the purpose, one of its ancestors, or every purpose (an erasure). On a tie in capture time
     * the more restrictive statement wins, then the more specific one. So a later broad withdrawal overrides an
     * older specific grant, and a later broad grant an older specific denial. A grant that has lapsed by
     * {@code time} gives way to the "no" it suspended ({@link CustomerHistory#inForce}).
     */
    public ConsentAnswer at(String customerId, Purpose purpose, long time) {
        if (isBeyondHistory(time)) {
            return ConsentAnswer.beyondHistory();
        }
        CustomerHistory history = history(customerId);
        if (history == null) {
            return ConsentAnswer.none(false);
        }
        ConsentState inForce = history.inForce(selfAndAncestorKeys(purpose), time);
        ConsentState erasure = history.at(CustomerHistory.ERASURE, time);
        return inForce != null ? ConsentAnswer.found(inForce, erasure) : ConsentAnswer.none(history.knownAt(time));
    }

    /**
     * The customer's jurisdiction at {@code time} from their consent records; null when unknown. A change
     * without a jurisdiction keeps the one the customer had at that time: the nearest earlier change's.
     */
    public String jurisdictionAt(String customerId, long time) {
        if (isBeyondHistory(time)) {
            return null;
        }
        CustomerHistory history = history(customerId);
        return history == null ? null : history.jurisdictionAt(time);
    }

    private CustomerHistory history(String customerId) {
        CustomerHistory history = recent.get(customerId);
        if (history == null) {
            history = store.get(stateKey.hex(customerId));
            if (history != null) {
                recent.put(customerId, history);
            }
        }
        return history;
    }

    private void putWatermark(String key, long value) {
        storeFingerprint();
        watermarks.put(key, value);
    }

    /** With the first write: the stores then say which key their keys were hashed with. */
    private void storeFingerprint() {
        if (!fingerprintStored) {
            watermarks.put(STATE_KEY_FINGERPRINT, stateKeyFingerprint);
            fingerprintStored = true;
        }
    }

    private List<String> selfAndAncestorKeys(Purpose purpose) {
        List<String> keys = ancestorKeys.get(purpose);
        if (keys == null) {
            keys = purpose.selfAndAncestorKeys();
            // Declared purposes come from records: bounded, so odd ones cannot grow the map without limit.
            if (ancestorKeys.size() < MAX_CACHED_PURPOSES) {
                ancestorKeys.put(purpose, keys);
            }
        }
        return keys;
    }

    /**
     * Older than the history the store keeps: the answer could silently be wrong, so it is refused. The cut-off
     * follows the latest consent time this task has read, as the pruning of {@link CustomerHistory} does.
     */
    private boolean isBeyondHistory(long time) {
        return maxConsentTime != Long.MIN_VALUE && time < maxConsentTime - historyRetentionMs;
    }
}
