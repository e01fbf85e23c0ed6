package dev.consentgate.ingest;

import dev.consentgate.output.FieldCategories;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.schema.internal.BufferedEvent;
import dev.consentgate.schema.internal.BufferedHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a CRM record once and reads its envelope, re-keying it by customer id; unreadable records,
 * records without a customer id, purposes or event time, and records dated too far ahead become dead letters.
 */
public final class EnvelopeReader implements Processor<byte[], byte[], String, ReaderOutput> {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeReader.class);

    private final AvroCodec codec;
    private final EnforcementMetrics metrics;
    private final EnvelopeExtractor extractor;
    private final InputMapping mapping;
    private final TimeAheadBound timeAhead;
    /** Schemas whose field categories were checked: a schema with an unusable category would leak or crash later. */
    private final Set<Schema> checkedSchemas = new HashSet<>();
    private ProcessorContext<String, ReaderOutput> context;

    public EnvelopeReader(AvroCodec codec, InputMapping mapping, EnforcementMetrics metrics, TimeAheadBound timeAhead) {
        this.codec = codec;
        this.metrics = metrics;
        this.mapping = mapping;
        this.timeAhead = timeAhead;
        this.extractor = new EnvelopeExtractor(mapping);
    }

    @Override
    public void init(ProcessorContext<String, ReaderOutput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        SourcePosition position = SourcePosition.of(context);
        try {
            GenericRecord value = codec.decodeOrReject(position.topic(), record.value());
            checkCategories(value.getSchema());
            Envelope envelope = extractor.extract(value, record.headers(), record.key(), record.timestamp(), position);
            timeAhead.checkEventTime(envelope.eventTime(), record.timestamp());
            PendingEvent pending = new PendingEvent(buffered(record, position, envelope), value);
            context.forward(record.withKey(envelope.customerId()).withValue(pending));
        } catch (RejectException e) {
            context.forward(Rejected.of(record, e, position));
        }
    }

    /**
     * Checks a schema's field categories once. A category path of the mapping that names no field of the schema is a
     * mapping gone stale (a field renamed or moved): its field, if it still exists, now counts as uncategorized personal
     * data, so operators are told once per schema, without any payload.
     */
    private void checkCategories(Schema schema) throws RejectException {
        if (checkedSchemas.contains(schema)) {
            return;
        }
        FieldCategories categories;
        try {
            categories = FieldCategories.of(schema, mapping);
        } catch (FieldCategories.PersonalEnvelopeField e) {
            throw new RejectException(RejectReason.INVALID_ENVELOPE_FIELD, "the field " + e.path() + ", read as the event id, "
                    + "is categorized " + e.category() + ": the event id passes to every purpose and the audit topic in the clear, "
                    + "so it may not hold personal data");
        } catch (IllegalArgumentException e) {
            throw new RejectException(RejectReason.INVALID_DATA_CATEGORY, "the record's schema " + schema.getFullName()
                    + " has a data_category property that is not a dotted key of lowercase words");
        }
        if (!categories.unmatchedPaths().isEmpty()) {
            LOG.warn("Input {}: the categories of its mapping name fields that schema {} does not have: {}",
                    mapping.topic(), schema.getFullName(), categories.unmatchedPaths());
            metrics.unmatchedCategoryPaths(mapping.topic(), categories.unmatchedPaths().size());
        }
        checkedSchemas.add(schema);
    }

    private static BufferedEvent buffered(Record<byte[], byte[]> record, SourcePosition position, Envelope envelope) {
        // The all-arguments constructor, not the generated builder, which validates and copies every field per event.
        return new BufferedEvent(
                position.topic(),
                position.partition(),
                position.offset(),
                record.timestamp(),
                // Never the input key: nothing reads it after the envelope, and it is often the customer id, which would
                // then sit in the repartition topic and the grace buffer.
                null,
                ByteBuffer.wrap(record.value()),
                headers(record.headers()),
                envelope.customerId(),
                envelope.purposes(),
                envelope.eventTime(),
                envelope.eventId(),
                envelope.jurisdiction());
    }

    private static List<BufferedHeader> headers(Headers headers) {
        List<BufferedHeader> copy = new ArrayList<>();
        for (Header header : headers) {
            copy.add(new BufferedHeader(header.key(), header.value() == null ? null : ByteBuffer.wrap(header.value())));
        }
        return copy;
    }
}
