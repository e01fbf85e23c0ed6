package dev.consentgate.consent;

import dev.consentgate.policy.ConsentAnswer;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentStatus;
import dev.consentgate.policy.Purpose;
import java.time.Duration;
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
 * per-customer map, because a versioned aggregate would restamp and rewrite history on late updates.
 */
public final class ConsentHistory {

    public static final String CONSENT_STORE = "consent-store";
    public static final String CUSTOMER_STORE = "consent-customers";
    /**
     * Keeps the highest consent time seen by this task (the versioned store's cut-off is not exposed) and the
     * offset of the last consent record read, which tells an auditor's replay exactly what the history held.
     */
    public static final String WATERMARK_STORE = "consent-watermarks";

    private static final String ERASURE_SUFFIX = "|*";
    private static final String MAX_CONSENT_TIME = "max-consent-time";
    private static final String LAST_READ_OFFSET = "last-read-offset";
    private static final String NO_JURISDICTION = "";

    private final VersionedKeyValueStore<String, ConsentState> consents;
    private final VersionedKeyValueStore<String, String> customers;
    private final KeyValueStore<String, Long> watermarks;
    private final long historyRetentionMs;
    private long maxConsentTime;
    private long lastReadOffset;

    public ConsentHistory(VersionedKeyValueStore<String, ConsentState> consents,
                          VersionedKeyValueStore<String, String> customers,
                          KeyValueStore<String, Long> watermarks,
                          Duration historyRetention) {
        this.consents = consents;
        this.customers = customers;
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

    /**
     * Records one consent change as of its capture time.
     *
     * @return false when the change is older than the store's history and was not stored
     */
    public boolean record(String customerId, ConsentState state) {
        String key = state.status() == ConsentStatus.ERASED
                ? customerId + ERASURE_SUFFIX
                : customerId + "|" + state.purpose().key();
        long stored = consents.put(key, state, state.capturedAt());
        if (stored == VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT) {
            return false;
        }
        customers.put(customerId, ownJurisdiction(customerId, state), state.capturedAt());
        if (state.capturedAt() > maxConsentTime) {
            maxConsentTime = state.capturedAt();
            watermarks.put(MAX_CONSENT_TIME, maxConsentTime);
        }
        return true;
    }

    /**
     * The jurisdiction the change itself carries. One inherited from the changes already stored would go
     * stale when an earlier change arrives late, so inheritance is resolved when reading. A change without
     * one keeps a jurisdiction stored at the very same instant: it replaces that version.
     */
    private String ownJurisdiction(String customerId, ConsentState state) {
        if (state.jurisdiction() != null) {
            return state.jurisdiction();
        }
        VersionedRecord<String> sameInstant = customers.get(customerId, state.capturedAt());
        return sameInstant != null && sameInstant.timestamp() == state.capturedAt() ? sameInstant.value() : NO_JURISDICTION;
    }

    /**
     * The consent in force for {@code purpose} at {@code time}: the record of the purpose or its
     * nearest ancestor, unless an erasure came after it.
     */
    public ConsentAnswer at(String customerId, Purpose purpose, long time) {
        if (isBeyondHistory(time)) {
            return ConsentAnswer.beyondHistory();
        }
        ConsentState specific = null;
        for (String candidate : purpose.selfAndAncestorKeys()) {
            VersionedRecord<ConsentState> found = consents.get(customerId + "|" + candidate, time);
            if (found != null) {
                specific = found.value();
                break;
            }
        }
        VersionedRecord<ConsentState> erasure = consents.get(customerId + ERASURE_SUFFIX, time);
        if (erasure != null && (specific == null || erasure.value().capturedAt() >= specific.capturedAt())) {
            return ConsentAnswer.found(erasure.value());
        }
        if (specific != null) {
            return ConsentAnswer.found(specific);
        }
        return ConsentAnswer.none(customers.get(customerId, time) != null);
    }

    /**
     * The customer's jurisdiction at {@code time} from their consent records; null when unknown. A change
     * without a jurisdiction keeps the one the customer had at that time: the nearest earlier change's.
     */
    public String jurisdictionAt(String customerId, long time) {
        if (isBeyondHistory(time)) {
            return null;
        }
        VersionedRecord<String> found = customers.get(customerId, time);
        while (found != null && found.value().isEmpty()) {
            long before = found.timestamp() - 1;
            found = isBeyondHistory(before) ? null : customers.get(customerId, before);
        }
        return found == null ? null : found.value();
    }

    /**
     * Older than the history the store keeps: the answer could silently be wrong, so it is refused.
     * Checked before any lookup, which also keeps the store from logging a warning per expired get.
     */
    private boolean isBeyondHistory(long time) {
        return maxConsentTime != Long.MIN_VALUE && time < maxConsentTime - historyRetentionMs;
    }
}
