package dev.consentgate.enforce;

import dev.consentgate.config.TopologySettings;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.output.Outbound;
import dev.consentgate.schema.ErasureNotice;
import dev.consentgate.schema.TopicDelivery;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.schema.internal.TopicSummary;
import dev.consentgate.serde.SpecificAvroBinary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes an erasure notice once the deliveries it names are committed: reads the request back for the customer id
 * (no internal topic holds it), checks it is the customer the notice was made for, finds the partition and the offsets
 * of the first and last delivered records in each purpose topic, and writes the notice to the erasure topic.
 *
 * <p>The lookups block the stream thread inside its open transaction, which the brokers abort (fencing the thread) once it
 * outlives the producer's transaction timeout; the task would then make the same lookups again, slow as before, and the
 * thread could go round that loop without deciding anything. So a notice's lookups get a quarter of the timeout
 * ({@link #budget}). A request not read within it is retried from the last commit (a transient error); purpose topics
 * whose records are not found within it keep a null partition or null offsets, with a warning.
 */
final class ErasureNoticeLocator implements Processor<byte[], byte[], byte[], Outbound> {

    static final SpecificAvroBinary<PendingErasureNotice> PENDING = new SpecificAvroBinary<>(PendingErasureNotice.class);
    private static final Logger LOG = LoggerFactory.getLogger(ErasureNoticeLocator.class);
    private static final int PRODUCER_TRANSACTION_TIMEOUT_MS = 60_000;

    private final AvroCodec codec;
    private final TopologySettings settings;
    private final ErasureLookups.Factory lookupsFactory;
    private final Time time;
    private ProcessorContext<byte[], Outbound> context;
    private ErasureLookups lookups;
    private long budgetMs;

    ErasureNoticeLocator(AvroCodec codec, TopologySettings settings, ErasureLookups.Factory lookupsFactory) {
        this(codec, settings, lookupsFactory, Time.SYSTEM);
    }

    ErasureNoticeLocator(AvroCodec codec, TopologySettings settings, ErasureLookups.Factory lookupsFactory, Time time) {
        this.codec = codec;
        this.settings = settings;
        this.lookupsFactory = lookupsFactory;
        this.time = time;
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
    }

    /**
     * A quarter of the transaction timeout of the application's producers: Kafka Streams' 10 s under exactly-once, unless
     * configured; the producer's own default (60 s) without transactions.
     */
    static Duration budget(Map<String, Object> appConfigs) {
        Object timeout = new StreamsConfig(appConfigs).getProducerConfigs("erasure-notices")
                .getOrDefault(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, PRODUCER_TRANSACTION_TIMEOUT_MS);
        return Duration.ofMillis(Long.parseLong(timeout.toString()) / 4);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (lookups == null) {
            // Opened on the first notice, not in init: erasures are rare, and every task of every instance would hold a
            // consumer of its own.
            lookups = lookupsFactory.open(context.appConfigs(), context.applicationId() + "-erasure-notices-" + context.taskId());
            budgetMs = budget(context.appConfigs()).toMillis();
        }
        PendingErasureNotice pending = PENDING.decode(record.value());
        Timer timer = time.timer(budgetMs);
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
                    + " the purpose topics took longer than its {} ms, a quarter of the transaction timeout", where(pending), budgetMs);
        }
        ErasureNotice notice = new ErasureNotice(customerId, pending.getRequestedAt(), pending.getSource(), pending.getConsentId(),
                pending.getRequestTopic(), pending.getRequestPartition(), pending.getRequestOffset(), pending.getPolicyVersion(),
                deliveries);
        context.forward(new Record<>(customerId.getBytes(StandardCharsets.UTF_8),
                new Outbound(settings.erasureTopic(), codec.encode(settings.erasureTopic(), notice)), record.timestamp()));
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

    private static String where(PendingErasureNotice pending) {
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


    @Override
    public void close() {
        if (lookups != null) {
            lookups.close();
        }
    }
}
