package dev.consentgate.consent;

import dev.consentgate.consent.PurposeIndex.StoreKey;
import dev.consentgate.policy.ConsentAnswer;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentStatus;
import dev.consentgate.policy.Purpose;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Consent as of any time, per (customer, purpose), over Kafka Streams versioned stores that are
 * co-partitioned with the CRM events by customer id.
 *
 * <p>Keys: {@code customerId|purpose} for consent records, {@code customerId|*} for erasures. A
 * second store keeps, per customer, the jurisdiction as of each consent event, which also tells
 * whether a customer was known at a time. One record per (customer, purpose) version rather than a
 * per-customer map, because a versioned aggregate would restamp and rewrite history on late updates. A third
 * store, the {@link PurposeIndex}, lists per customer the keys that have a version, so that a lookup reads
 * only those.
 */
public final class ConsentHistory {

    public static final String CONSENT_STORE = "consent-store";
    public static final String CUSTOMER_STORE = "consent-customers";
    public static final String PURPOSE_INDEX_STORE = PurposeIndex.STORE;
    /**
     * Keeps the highest consent time seen by this task (the versioned store's cut-off is not exposed) and the
     * offset of the last consent record read, which tells an auditor's replay exactly what the history held.
     */
    public static final String WATERMARK_STORE = "consent-watermarks";

    private static final String MAX_CONSENT_TIME = "max-consent-time";
    private static final String LAST_READ_OFFSET = "last-read-offset";
    private static final String NO_JURISDICTION = "";
    private static final int MAX_CACHED_PURPOSES = 10_000;

    private final VersionedKeyValueStore<String, ConsentState> consents;
    private final VersionedKeyValueStore<String, String> customers;
    private final KeyValueStore<String, Long> watermarks;
    private final PurposeIndex index;
    private final long historyRetentionMs;
    private long maxConsentTime;
    /**
     * What the store held for the customer read last that every purpose of an event asks again: the index entry
     * and, per time, the erasure and the customer record. Two times, since each purpose is judged at the event's
     * time and at the decision's time. Valid until the next write, which clears it; an event's purposes are all
     * decided between two writes, so each is read from RocksDB once per event and time, not per purpose.
     */
    private String memoCustomer;
    private String memoListed;
    private boolean memoListedRead;
    private final ReadsAt[] memoTimes = {new ReadsAt(), new ReadsAt()};
    /** The slot of {@link #memoTimes} to replace next: the one not used last. */
    private int memoNextSlot;
    /** Per purpose, the store keys' purpose parts (itself, then its ancestors): built once, not per lookup. */
    private final Map<Purpose, List<StoreKey>> ancestorKeys = new HashMap<>();
    private long lastReadOffset;

    public ConsentHistory(VersionedKeyValueStore<String, ConsentState> consents,
                          VersionedKeyValueStore<String, String> customers,
                          KeyValueStore<String, String> purposeIndex,
                          KeyValueStore<String, Long> watermarks,
                          Duration historyRetention,
                          int indexCacheCustomers) {
        this.consents = consents;
        this.customers = customers;
        this.index = new PurposeIndex(purposeIndex, indexCacheCustomers);
        this.watermarks = watermarks;
        this.historyRetentionMs = historyRetention.toMillis();
        Long stored = watermarks.get(MAX_CONSENT_TIME);
        this.maxConsentTime = stored == null ? Long.MIN_VALUE : stored;
        Long offset = watermarks.get(LAST_READ_OFFSET);
        this.lastReadOffset = offset == null ? -1 : offset;
    }

    /** The store builders, to add to the topology once. */
    public static StoreBuilder<VersionedKeyValueStore<String, ConsentState>> consentStore(Duration historyRetention) {
        return Stores.versionedKeyValueStoreBuilder(versioned(CONSENT_STORE, historyRetention), Serdes.String(), new ConsentStateSerde());
    }

    public static StoreBuilder<VersionedKeyValueStore<String, String>> customerStore(Duration historyRetention) {
        return Stores.versionedKeyValueStoreBuilder(versioned(CUSTOMER_STORE, historyRetention), Serdes.String(), Serdes.String());
    }

    public static StoreBuilder<KeyValueStore<String, String>> purposeIndexStore() {
        return PurposeIndex.storeBuilder();
    }

    public static StoreBuilder<KeyValueStore<String, Long>> watermarkStore() {
        // Cached: the watermark changes with nearly every record, the changelog needs it once per commit.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WATERMARK_STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
    }

    private static VersionedBytesStoreSupplier versioned(String name, Duration historyRetention) {
        return Stores.persistentVersionedKeyValueStore(name, historyRetention);
    }

    /** Notes that the consent record at {@code offset} of this task's consent partition was read, stored or not. */
    public void markRead(long offset) {
        lastReadOffset = offset;
        watermarks.put(LAST_READ_OFFSET, offset);
    }

    /** The offset of the last consent record read, -1 before the first: the history holds exactly the records up to it. */
    public long lastReadOffset() {
        return lastReadOffset;
    }

    /** The latest capture time of the consent records stored, {@link Long#MIN_VALUE} before the first. */
    public long latestCaptureTime() {
        return maxConsentTime;
    }

    /**
     * Records one consent change as of its capture time.
     *
     * @return false when the change is older than the store's history and was not stored
     */
    public boolean record(String customerId, ConsentState state) {
        forgetReads();
        StoreKey key = state.status() == ConsentStatus.ERASED ? StoreKey.ERASURE : StoreKey.of(state.purpose().key());
        // Every record stored gives the customer store a version: without a latest one there, this is the customer's first.
        VersionedRecord<String> latestOfCustomer = customers.get(customerId);
        long stored = consents.put(customerId + key.suffix(), state, state.capturedAt());
        if (stored == VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT) {
            return false;
        }
        index.add(customerId, key, latestOfCustomer == null);
        VersionedRecord<String> sameInstant = asOf(customers, customerId, latestOfCustomer, state.capturedAt());
        if (sameInstant == null || sameInstant.timestamp() != state.capturedAt()) {
            sameInstant = null;
        }
        // The jurisdiction the change itself carries. One inherited from the changes already stored would go stale
        // when an earlier change arrives late, so inheritance is resolved when reading. A change without one keeps a
        // jurisdiction stored at the very same instant: it replaces that version.
        String jurisdiction = state.jurisdiction() != null ? state.jurisdiction()
                : sameInstant != null ? sameInstant.value() : NO_JURISDICTION;
        // One consent banner stores several purposes at one instant: the customer's version at that instant is then
        // already there with the same jurisdiction, and writing it again would change nothing but add a changelog
        // record for every restore to replay.
        if (sameInstant == null || !sameInstant.value().equals(jurisdiction)) {
            customers.put(customerId, jurisdiction, state.capturedAt());
        }
        if (state.capturedAt() > maxConsentTime) {
            maxConsentTime = state.capturedAt();
            watermarks.put(MAX_CONSENT_TIME, maxConsentTime);
        }
        return true;
    }

    /**
     * The consent in force for {@code purpose} at {@code time}: the latest statement captured at or before
     * {@code time} about the purpose, one of its ancestors, or every purpose (an erasure). On a tie in capture time
     * the more restrictive statement wins, then the more specific one. So a later broad withdrawal overrides an
     * older specific grant, and a later broad grant an older specific denial.
     */
    public ConsentAnswer at(String customerId, Purpose purpose, long time) {
        if (isBeyondHistory(time)) {
            return ConsentAnswer.beyondHistory();
        }
        String listed = listed(customerId);
        ReadsAt reads = readsAt(customerId, time);
        if (listed == null && customerRecord(reads) == null) {
            // Every record stored gives the customer store a version: none by this time, no key has one either.
            return ConsentAnswer.none(false);
        }
        ConsentState inForce = null;
        for (StoreKey candidate : selfAndAncestorKeys(purpose)) {
            if (PurposeIndex.mayHaveVersion(listed, candidate)) {
                VersionedRecord<ConsentState> found = asOf(consents, customerId + candidate.suffix(), time);
                inForce = found == null ? inForce : prevailing(inForce, found.value());
            }
        }
        VersionedRecord<ConsentState> erasure = PurposeIndex.mayHaveVersion(listed, StoreKey.ERASURE) ? erasure(reads) : null;
        inForce = erasure == null ? inForce : prevailing(inForce, erasure.value());
        return inForce != null ? ConsentAnswer.found(inForce) : ConsentAnswer.none(customerRecord(reads) != null);
    }

    /**
     * Of two statements that both cover a purpose, the one in force: the later captured; on a tie the more
     * restrictive; on a tie of that too, {@code current}, which callers find first as the more specific.
     */
    private static ConsentState prevailing(ConsentState current, ConsentState candidate) {
        if (current == null) {
            return candidate;
        }
        if (candidate.capturedAt() != current.capturedAt()) {
            return candidate.capturedAt() > current.capturedAt() ? candidate : current;
        }
        return restrictiveness(candidate.status()) > restrictiveness(current.status()) ? candidate : current;
    }

    /** Erasure over any "no" over a grant: a tie in capture time must never resolve towards processing. */
    private static int restrictiveness(ConsentStatus status) {
        return switch (status) {
            case GRANTED -> 0;
            case DENIED, WITHDRAWN -> 1;
            case ERASED -> 2;
        };
    }

    private List<StoreKey> selfAndAncestorKeys(Purpose purpose) {
        List<StoreKey> keys = ancestorKeys.get(purpose);
        if (keys == null) {
            keys = purpose.selfAndAncestorKeys().stream().map(StoreKey::of).toList();
            // Declared purposes come from records: bounded, so odd ones cannot grow the map without limit.
            if (ancestorKeys.size() < MAX_CACHED_PURPOSES) {
                ancestorKeys.put(purpose, keys);
            }
        }
        return keys;
    }

    private VersionedRecord<ConsentState> erasure(ReadsAt reads) {
        if (!reads.erasureRead) {
            reads.erasure = asOf(consents, memoCustomer + StoreKey.ERASURE.suffix(), reads.time);
            reads.erasureRead = true;
        }
        return reads.erasure;
    }

    private VersionedRecord<String> customerRecord(ReadsAt reads) {
        if (!reads.customerRecordRead) {
            reads.customerRecord = asOf(customers, memoCustomer, reads.time);
            reads.customerRecordRead = true;
        }
        return reads.customerRecord;
    }

    private String listed(String customerId) {
        rememberCustomer(customerId);
        if (!memoListedRead) {
            memoListed = index.listed(customerId);
            memoListedRead = true;
        }
        return memoListed;
    }

    /** The memo of the customer's reads at {@code time}, replacing the one of the time not used last. */
    private ReadsAt readsAt(String customerId, long time) {
        rememberCustomer(customerId);
        for (int slot = 0; slot < memoTimes.length; slot++) {
            if (memoTimes[slot].holds(time)) {
                memoNextSlot = 1 - slot;
                return memoTimes[slot];
            }
        }
        ReadsAt reads = memoTimes[memoNextSlot];
        reads.start(time);
        memoNextSlot = 1 - memoNextSlot;
        return reads;
    }

    private void rememberCustomer(String customerId) {
        if (!customerId.equals(memoCustomer)) {
            forgetReads();
            memoCustomer = customerId;
        }
    }

    private void forgetReads() {
        memoCustomer = null;
        memoListed = null;
        memoListedRead = false;
        for (ReadsAt reads : memoTimes) {
            reads.clear();
        }
    }

    /** What the store held for the memo's customer at one time, each read at most once. */
    private static final class ReadsAt {
        private boolean used;
        private long time;
        private VersionedRecord<ConsentState> erasure;
        private boolean erasureRead;
        private VersionedRecord<String> customerRecord;
        private boolean customerRecordRead;

        boolean holds(long at) {
            return used && time == at;
        }

        void start(long at) {
            clear();
            used = true;
            time = at;
        }

        void clear() {
            used = false;
            erasure = null;
            erasureRead = false;
            customerRecord = null;
            customerRecordRead = false;
        }
    }

    /**
     * The customer's jurisdiction at {@code time} from their consent records; null when unknown. A change
     * without a jurisdiction keeps the one the customer had at that time: the nearest earlier change's.
     */
    public String jurisdictionAt(String customerId, long time) {
        if (isBeyondHistory(time)) {
            return null;
        }
        VersionedRecord<String> found = customerRecord(readsAt(customerId, time));
        while (found != null && found.value().isEmpty()) {
            long before = found.timestamp() - 1;
            found = isBeyondHistory(before) ? null : asOf(customers, customerId, before);
        }
        return found == null ? null : found.value();
    }

    /**
     * What {@code store.get(key, time)} answers, for a time within the history, reading the key's latest version
     * first. Most keys asked for have no version at all (an erasure, a purpose whose ancestor holds the consent),
     * and for those the store would also search each of its older segments, a RocksDB read apiece, after finding
     * no latest version. Nothing here ever deletes, and the store never expires a key's latest version, so a key
     * without one has none; and a latest version from {@code time} or before is the one in force at {@code time}.
     */
    private static <V> VersionedRecord<V> asOf(VersionedKeyValueStore<String, V> store, String key, long time) {
        return asOf(store, key, store.get(key), time);
    }

    /** {@link #asOf(VersionedKeyValueStore, String, long)} with the key's latest version already read. */
    private static <V> VersionedRecord<V> asOf(VersionedKeyValueStore<String, V> store, String key, VersionedRecord<V> latest, long time) {
        if (latest == null) {
            return null;
        }
        return latest.timestamp() <= time ? latest : store.get(key, time);
    }

    /**
     * Older than the history the store keeps: the answer could silently be wrong, so it is refused.
     * Checked before any lookup, which also keeps the store from logging a warning per expired get.
     */
    private boolean isBeyondHistory(long time) {
        return maxConsentTime != Long.MIN_VALUE && time < maxConsentTime - historyRetentionMs;
    }
}
