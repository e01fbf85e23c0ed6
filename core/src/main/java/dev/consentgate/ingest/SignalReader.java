package dev.consentgate.ingest;

import dev.consentgate.policy.ConsentState;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.SignalUsed;
import dev.consentgate.serde.AvroValues;
import dev.consentgate.signal.MalformedSignalException;
import dev.consentgate.signal.Signal;
import dev.consentgate.signal.SignalStatements;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads privacy signals (TCF, GPP, GPC) into the consent statements the policy maps them to, each as a consent event
 * that carries its signal: written to the rerouted-consent topic on its customer's partition, they are applied, audited
 * and replayed exactly as consent events are. A signal that cannot be read or decoded becomes a dead letter and states
 * nothing.
 */
public final class SignalReader implements Processor<byte[], byte[], String, ReaderOutput> {

    private final AvroCodec codec;
    private final SignalStatements statements;
    private final String reroutedTopic;
    private final TimeAheadBound timeAhead;
    private ProcessorContext<String, ReaderOutput> context;

    public SignalReader(AvroCodec codec, SignalStatements statements, String reroutedTopic, TimeAheadBound timeAhead) {
        this.codec = codec;
        this.statements = statements;
        this.reroutedTopic = reroutedTopic;
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
            GenericRecord value = codec.decodeOrReject(position.topic(), record.value());
            String customerId = AvroValues.text(AvroValues.field(value, "customerId"));
            if (customerId == null || customerId.isEmpty()) {
                throw new RejectException(RejectReason.MALFORMED_SIGNAL, "signal without a customer id");
            }
            Signal signal = signal(value);
            byte[] key = customerId.getBytes(StandardCharsets.UTF_8);
            int grantsAhead = 0;
            for (ConsentState said : statements.of(signal)) {
                Optional<ConsentState> statement = timeAhead.bounded(said, record.timestamp());
                if (statement.isEmpty()) {
                    grantsAhead++;
                    continue;
                }
                byte[] event = codec.encode(reroutedTopic, consentEvent(customerId, statement.get()));
                context.forward(record.withKey(customerId).withValue(new ConsentUpdate(customerId, statement.get(), key, event, position)));
            }
            if (grantsAhead > 0) {
                // Its refusals count, from the bound; the record goes to the dead-letter topic for the grants it could not give.
                throw timeAhead.ahead("the signal's capture time", signal.capturedAt(), record.timestamp(), ": its " + grantsAhead
                        + " grant(s) were not applied, its refusals count from the bound");
            }
        } catch (MalformedSignalException e) {
            context.forward(Rejected.of(record, new RejectException(RejectReason.MALFORMED_SIGNAL, e.getMessage()), position));
        } catch (RejectException e) {
            context.forward(Rejected.of(record, e, position));
        }
    }

    private static Signal signal(GenericRecord value) throws RejectException {
        Signal.Kind kind = kind(AvroValues.text(AvroValues.field(value, "kind")));
        String text = AvroValues.text(AvroValues.field(value, "value"));
        if (text == null) {
            throw new RejectException(RejectReason.MALFORMED_SIGNAL, "signal without a value");
        }
        Long capturedAt = AvroValues.epochMillis(AvroValues.field(value, "capturedAt"));
        if (capturedAt == null || capturedAt < 0) {
            throw new RejectException(RejectReason.MALFORMED_SIGNAL, "signal without a capture time from 1970 on");
        }
        return new Signal(kind, text, capturedAt,
                AvroValues.text(AvroValues.field(value, "jurisdiction")),
                AvroValues.text(AvroValues.field(value, "source")),
                AvroValues.text(AvroValues.field(value, "signalId")));
    }

    private static Signal.Kind kind(String text) throws RejectException {
        for (Signal.Kind kind : Signal.Kind.values()) {
            if (kind.name().equals(text)) {
                return kind;
            }
        }
        throw new RejectException(RejectReason.MALFORMED_SIGNAL, "signal without a kind of TCF, GPP or GPC");
    }

    /** The statement as the consent event the consent reader reads back; a signal's statements are never erasures nor expire. */
    private static ConsentEvent consentEvent(String customerId, ConsentState statement) {
        return new ConsentEvent(
                statement.consentId(),
                ConsentEventType.CONSENT,
                customerId,
                statement.purpose().key(),
                ConsentStatus.valueOf(statement.status().name()),
                Instant.ofEpochMilli(statement.capturedAt()),
                null,
                statement.jurisdiction(),
                statement.source(),
                statement.noticeVersion(),
                new SignalUsed(statement.signal().kind(), statement.signal().value(), statement.signal().meaning()));
    }
}
