package dev.consentgate.topology;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.ConsentStatus;
import dev.consentgate.policy.Purpose;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Reads consent events into consent changes keyed by customer id; unreadable ones become dead letters. */
final class ConsentReader implements Processor<byte[], byte[], String, DeciderInput> {

    private final AvroCodec codec;
    private ProcessorContext<String, DeciderInput> context;

    ConsentReader(AvroCodec codec) {
        this.codec = codec;
    }

    @Override
    public void init(ProcessorContext<String, DeciderInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        SourcePosition position = DeadLetters.position(context);
        DeciderInput result;
        try {
            GenericRecord event = codec.decodeOrReject(position.topic(), record.value());
            String customerId = AvroValues.text(AvroValues.field(event, "customerId"));
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (customerId == null || !customerId.equals(key)) {
                throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "record key is not the event's customer id");
            }
            result = new ConsentUpdate(customerId, state(event), record.key(), record.value(), position);
        } catch (RejectException e) {
            result = new Rejected(e.reason(), e.getMessage(), record.key(), record.value(), position);
        }
        context.forward(record.withKey(result instanceof ConsentUpdate u ? u.customerId() : null).withValue(result));
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
        ConsentStatus status = erasure ? ConsentStatus.ERASED : status(AvroValues.text(AvroValues.field(event, "status")));
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
                AvroValues.text(AvroValues.field(event, "consentId")));
    }

    private static ConsentStatus status(String text) throws RejectException {
        if (text != null) {
            for (ConsentStatus status : ConsentStatus.values()) {
                if (status != ConsentStatus.ERASED && status.name().equals(text)) {
                    return status;
                }
            }
        }
        throw new RejectException(RejectReason.INVALID_CONSENT_EVENT, "consent event without a status of GRANTED, DENIED or WITHDRAWN");
    }
}
