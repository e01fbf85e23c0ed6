package dev.consentgate.ingest;

import dev.consentgate.serde.AvroValues;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.SignalOrigin;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Reads consent events into consent changes keyed by customer id; unreadable ones become dead letters. */
public final class ConsentReader implements Processor<byte[], byte[], String, ReaderOutput> {

    private final AvroCodec codec;
    private final TimeAheadBound timeAhead;
    private ProcessorContext<String, ReaderOutput> context;

    public ConsentReader(AvroCodec codec, TimeAheadBound timeAhead) {
        this.codec = codec;
        this.timeAhead = timeAhead;
    }

    @Override
    public void init(ProcessorContext<String, ReaderOutput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        SourcePosition position = SourcePosition.of(context);
        try {
            GenericRecord event = codec.decodeOrReject(position.topic(), record.value());
            String customerId = AvroValues.text(AvroValues.field(event, "customerId"));
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (customerId == null || !customerId.equals(key)) {
                throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "record key is not the event's customer id");
            }
            ConsentState read = state(event);
            ConsentState state = timeAhead.bounded(read, record.timestamp()).orElseThrow(() -> timeAhead.ahead("the capture time of a grant",
                    read.capturedAt(), record.timestamp(), ": a grant counts from when it was given, not before"));
            ConsentUpdate update = new ConsentUpdate(customerId, state, record.key(), record.value(), position);
            context.forward(record.withKey(customerId).withValue(update));
        } catch (RejectException e) {
            context.forward(Rejected.of(record, e, position));
        }
    }

    private static ConsentState state(GenericRecord event) throws RejectException {
        boolean erasure = "ERASURE".equals(AvroValues.text(AvroValues.field(event, "type")));
        Purpose purpose = null;
        if (!erasure) {
            String key = AvroValues.text(AvroValues.field(event, "purpose"));
            if (key == null) {
                throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "consent event without a purpose");
            }
            try {
                purpose = Purpose.of(key);
            } catch (IllegalArgumentException e) {
                throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "consent purpose is not a dotted key of lowercase words");
            }
        }
        ConsentChoice status = erasure ? ConsentChoice.ERASED : status(AvroValues.text(AvroValues.field(event, "status")));
        Long capturedAt = AvroValues.epochMillis(AvroValues.field(event, "capturedAt"));
        if (capturedAt == null) {
            throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "consent event without a capture time");
        }
        if (capturedAt < 0) {
            // Store versions and their changelog records are stamped with it: Kafka refuses negative timestamps.
            throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "capture time is before 1970");
        }
        return new ConsentState(
                purpose,
                status,
                capturedAt,
                AvroValues.epochMillis(AvroValues.field(event, "expiresAt")),
                AvroValues.text(AvroValues.field(event, "jurisdiction")),
                AvroValues.text(AvroValues.field(event, "source")),
                AvroValues.text(AvroValues.field(event, "noticeVersion")),
                AvroValues.text(AvroValues.field(event, "consentId")),
                signal(AvroValues.field(event, "signal")));
    }

    /** The signal a statement was decoded from, set by {@link SignalReader}; null for a consent event from elsewhere. */
    private static SignalOrigin signal(Object value) {
        if (!(value instanceof GenericRecord signal)) {
            return null;
        }
        return new SignalOrigin(AvroValues.text(AvroValues.field(signal, "kind")), AvroValues.text(AvroValues.field(signal, "value")),
                AvroValues.text(AvroValues.field(signal, "meaning")));
    }

    private static ConsentChoice status(String text) throws RejectException {
        if (text != null) {
            for (ConsentChoice status : ConsentChoice.values()) {
                if (status != ConsentChoice.ERASED && status.name().equals(text)) {
                    return status;
                }
            }
        }
        throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "consent event without a status of GRANTED, DENIED or WITHDRAWN");
    }
}
