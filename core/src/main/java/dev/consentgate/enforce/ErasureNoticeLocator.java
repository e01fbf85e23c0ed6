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
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Completes an erasure notice once the deliveries it names are committed: reads the request back for the customer id
 * (no internal topic holds it), checks it is the customer the notice was made for, finds the partition and the offsets
 * of the first and last delivered records in each purpose topic, and writes the notice to the erasure topic.
 */
final class ErasureNoticeLocator implements Processor<byte[], byte[], byte[], Outbound> {

    static final SpecificAvroBinary<PendingErasureNotice> PENDING = new SpecificAvroBinary<>(PendingErasureNotice.class);

    private final AvroCodec codec;
    private final TopologySettings settings;
    private final ErasureLookups.Factory lookupsFactory;
    private ProcessorContext<byte[], Outbound> context;
    private ErasureLookups lookups;

    ErasureNoticeLocator(AvroCodec codec, TopologySettings settings, ErasureLookups.Factory lookupsFactory) {
        this.codec = codec;
        this.settings = settings;
        this.lookupsFactory = lookupsFactory;
    }

    @Override
    public void init(ProcessorContext<byte[], Outbound> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (lookups == null) {
            // Opened on the first notice, not in init: erasures are rare, and every task of every instance would hold a
            // consumer of its own.
            lookups = lookupsFactory.open(context.appConfigs(), context.applicationId() + "-erasure-notices-" + context.taskId());
        }
        PendingErasureNotice pending = PENDING.decode(record.value());
        String customerId = requester(pending);
        String pseudonym = settings.pseudonymKey().hash().hex(customerId);
        List<TopicDelivery> deliveries = pending.getDeliveries().stream()
                .map(summary -> located(summary, summary.getKeyIsCustomerId() ? customerId : pseudonym)).toList();
        ErasureNotice notice = new ErasureNotice(customerId, pending.getRequestedAt(), pending.getSource(), pending.getConsentId(),
                pending.getRequestTopic(), pending.getRequestPartition(), pending.getRequestOffset(), pending.getPolicyVersion(),
                deliveries);
        context.forward(new Record<>(customerId.getBytes(StandardCharsets.UTF_8),
                new Outbound(settings.erasureTopic(), codec.encode(settings.erasureTopic(), notice)), record.timestamp()));
    }

    /** The customer id of the request the notice answers, read where ConsentGate read the request. */
    private String requester(PendingErasureNotice pending) {
        String where = pending.getRequestTopic() + "-" + pending.getRequestPartition() + "@" + pending.getRequestOffset();
        byte[] value = lookups.valueAt(pending.getRequestTopic(), pending.getRequestPartition(), pending.getRequestOffset())
                .orElseThrow(() -> new IllegalStateException("the erasure request at " + where
                        + " is no longer readable: its erasure notice cannot name the customer"));
        GenericRecord request = codec.decode(pending.getRequestTopic(), value);
        Object customerId = request.get("customerId");
        if (customerId == null || !DataKeyReference.of(settings, customerId.toString()).equals(pending.getSubject())) {
            throw new IllegalStateException("the record at " + where + " is not the erasure request its notice was made for");
        }
        return customerId.toString();
    }

    private TopicDelivery located(TopicSummary summary, String recordKey) {
        byte[] key = recordKey.getBytes(StandardCharsets.UTF_8);
        OptionalInt partition = lookups.partitionOf(summary.getTopic(), key);
        Long first = null;
        Long last = null;
        if (partition.isPresent()) {
            first = boxed(lookups.offsetOf(summary.getTopic(), partition.getAsInt(), key, summary.getFirstDeliveredAt().toEpochMilli(),
                    summary.getFirstEventId()));
            last = boxed(lookups.offsetOf(summary.getTopic(), partition.getAsInt(), key, summary.getLastDeliveredAt().toEpochMilli(),
                    summary.getLastEventId()));
        }
        return new TopicDelivery(summary.getTopic(), recordKey, summary.getRecords(), summary.getFirstDeliveredAt(),
                summary.getLastDeliveredAt(), summary.getFirstEventId(), summary.getLastEventId(),
                partition.isPresent() ? partition.getAsInt() : null, first, last);
    }

    private static Long boxed(OptionalLong offset) {
        return offset.isPresent() ? offset.getAsLong() : null;
    }

    @Override
    public void close() {
        if (lookups != null) {
            lookups.close();
        }
    }
}
