package dev.consentgate.enforce;

import dev.consentgate.config.TopologySettings;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.schema.ErasureNotice;
import dev.consentgate.schema.TopicDelivery;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.schema.internal.TopicSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one erasure notice from its pending form: reads the request back for the customer id (no internal topic holds it),
 * checks it is the customer the notice was made for, and finds the partition and the offsets of the first and the last
 * record delivered to each purpose topic, all within {@link #TIMEOUT}. Runs off the stream thread ({@link ErasureNoticeLocator}).
 */
final class NoticeLookup {

    /** One notice's lookups end within this: a request not read by then is read again later. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(NoticeLookup.class);

    private final AvroCodec codec;
    private final TopologySettings settings;
    private final ErasureLookups lookups;
    private final Time time;

    NoticeLookup(AvroCodec codec, TopologySettings settings, ErasureLookups lookups, Time time) {
        this.codec = codec;
        this.settings = settings;
        this.lookups = lookups;
        this.time = time;
    }

    /**
     * The notice of {@code pending}: what is not found in time keeps a null partition or null offsets, with a warning.
     *
     * @throws TimeoutException when the request cannot be read back in time (transient: try again)
     * @throws IllegalStateException when the request is no longer readable, or is another customer's
     */
    ErasureNotice notice(PendingErasureNotice pending) {
        Timer timer = time.timer(TIMEOUT);
        String customerId = requester(pending, timer);
        String pseudonym = settings.pseudonymKey().hash().hex(customerId);
        List<Wanted> wanted = pending.getDeliveries().stream().map(summary -> {
            String key = summary.getKeyIsCustomerId() ? customerId : pseudonym;
            return new Wanted(summary, key, partitionOf(summary.getTopic(), key, timer));
        }).toList();
        Set<ErasureLookups.Search> searches = new LinkedHashSet<>();
        wanted.forEach(topic -> topic.searches().forEach(searches::add));
        timer.update();
        Map<ErasureLookups.Search, Long> offsets = searches.isEmpty() || timer.isExpired() ? Map.of() : lookups.offsetsOf(searches, timer);
        List<TopicDelivery> deliveries = wanted.stream().map(topic -> topic.located(offsets)).toList();
        timer.update();
        if (timer.isExpired()) {
            LOG.warn("The erasure notice of the request at {} leaves partitions or offsets null: finding the customer's records in"
                    + " the purpose topics took longer than {}", where(pending), TIMEOUT);
        }
        return new ErasureNotice(customerId, pending.getRequestedAt(), pending.getSource(), pending.getConsentId(),
                pending.getRequestTopic(), pending.getRequestPartition(), pending.getRequestOffset(), pending.getPolicyVersion(),
                deliveries);
    }

    /** The customer id of the request the notice answers, read where ConsentGate read the request. */
    private String requester(PendingErasureNotice pending, Timer timer) {
        String where = where(pending);
        byte[] value = lookups.valueAt(pending.getRequestTopic(), pending.getRequestPartition(), pending.getRequestOffset(), timer)
                .orElseThrow(() -> new IllegalStateException("the erasure request at " + where
                        + " is no longer readable: its erasure notice cannot name the customer"));
        GenericRecord request = codec.decode(pending.getRequestTopic(), value);
        Object customerId = request.get("customerId");
        if (customerId == null || !DataKeyReference.of(settings, customerId.toString()).equals(pending.getSubject())) {
            throw new IllegalStateException("the record at " + where + " is not the erasure request its notice was made for");
        }
        return customerId.toString();
    }

    static String where(PendingErasureNotice pending) {
        return pending.getRequestTopic() + "-" + pending.getRequestPartition() + "@" + pending.getRequestOffset();
    }

    /** The partition of {@code key} in {@code topic}; empty when the topic is gone or the timer expires first. */
    private OptionalInt partitionOf(String topic, String key, Timer timer) {
        timer.update();
        if (timer.isExpired()) {
            return OptionalInt.empty();
        }
        try {
            return lookups.partitionOf(topic, key.getBytes(StandardCharsets.UTF_8), timer);
        } catch (TimeoutException e) {
            return OptionalInt.empty();
        }
    }

    /** A purpose topic of the notice: what it received, the key of the customer's records there, and their partition. */
    private record Wanted(TopicSummary summary, String key, OptionalInt partition) {

        /** The first and the last record delivered (one search when they are the same); none without a partition. */
        List<ErasureLookups.Search> searches() {
            return partition.isEmpty() ? List.of() : List.of(first(), last());
        }

        private ErasureLookups.Search first() {
            return new ErasureLookups.Search(summary.getTopic(), partition.getAsInt(), key, summary.getFirstDeliveredAt().toEpochMilli(),
                    summary.getFirstEventId());
        }

        private ErasureLookups.Search last() {
            return new ErasureLookups.Search(summary.getTopic(), partition.getAsInt(), key, summary.getLastDeliveredAt().toEpochMilli(),
                    summary.getLastEventId());
        }

        /** The topic's delivery in the notice; what was not found stays null. */
        TopicDelivery located(Map<ErasureLookups.Search, Long> offsets) {
            return new TopicDelivery(summary.getTopic(), key, summary.getRecords(), summary.getFirstDeliveredAt(),
                    summary.getLastDeliveredAt(), summary.getFirstEventId(), summary.getLastEventId(),
                    partition.isPresent() ? partition.getAsInt() : null,
                    partition.isPresent() ? offsets.get(first()) : null, partition.isPresent() ? offsets.get(last()) : null);
        }
    }
}
