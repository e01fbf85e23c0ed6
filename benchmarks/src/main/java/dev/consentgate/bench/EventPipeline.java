package dev.consentgate.bench;

import dev.consentgate.policy.DecisionContext;
import dev.consentgate.policy.DecisionFunction;
import dev.consentgate.policy.EventDecision;
import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PurposeVerdict;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.policy.ValueRedactor;
import dev.consentgate.schema.internal.BufferedEvent;
import dev.consentgate.serde.ConfluentAvroSerde;
import dev.consentgate.audit.AuditRecords;
import dev.consentgate.ingest.Envelope;
import dev.consentgate.ingest.EnvelopeExtractor;
import dev.consentgate.output.OutputPlans;
import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.output.RecordMinimizer;
import dev.consentgate.ingest.RejectException;
import dev.consentgate.ingest.SourcePosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The per-event work of the enforcement processor without Kafka Streams and without the consent
 * store: decode the input, read its envelope, decide every purpose, encode each purpose's minimized
 * record, build and encode the audit record. It calls the classes the processor calls, in the same
 * order; it leaves out output headers and metrics, which the end-to-end benchmark covers.
 */
public final class EventPipeline {

    private static final String AUDIT_TOPIC = "consent.audit";
    private static final RecordHeaders NO_HEADERS = new RecordHeaders();

    private final ConfluentAvroSerde serde;
    private final EnvelopeExtractor extractor;
    private final DecisionFunction decisions;
    private final OutputPlans plans;
    private final RecordMinimizer minimizer;
    private final AuditRecords audit;
    private final KeyedHash keyedHash;
    private final InMemoryConsent consent;
    private final InputMapping mapping;

    public EventPipeline(Policy policy, ConfluentAvroSerde serde, KeyedHash keyedHash, InMemoryConsent consent) {
        this.mapping = policy.input(SampleContacts.TOPIC).orElseThrow();
        this.serde = serde;
        this.extractor = new EnvelopeExtractor(mapping);
        this.decisions = new DecisionFunction(policy);
        this.plans = new OutputPlans(Map.of(SampleContacts.TOPIC, mapping), AuditRecords::fieldTreatments);
        this.minimizer = new RecordMinimizer(new ValueRedactor(keyedHash));
        this.audit = new AuditRecords(policy, new HmacKey(keyedHash.fingerprint(), keyedHash));
        this.keyedHash = keyedHash;
        this.consent = consent;
    }

    /** Processes one input record; returns the bytes written to Kafka (purpose records and audit) so nothing is optimized away. */
    public int process(byte[] key, byte[] value, long offset, long recordTimestamp) throws RejectException {
        SourcePosition position = new SourcePosition(SampleContacts.TOPIC, 0, offset);
        GenericRecord record = (GenericRecord) serde.deserializer().deserialize(SampleContacts.TOPIC, value);
        Envelope envelope = extractor.extract(record, NO_HEADERS, key, recordTimestamp, position);
        PendingEvent event = new PendingEvent(buffered(key, value, recordTimestamp, position, envelope), record);

        List<Purpose> purposes = Purpose.allOf(envelope.purposes());
        // As in the processor: the customer's jurisdiction from the consent history, which the event's own can only tighten;
        // decided in order, at the event's time.
        DecisionContext context = new DecisionContext(envelope.eventTime(), envelope.eventTime(),
                consent.jurisdictionOf(envelope.customerId()), envelope.jurisdiction());
        EventDecision decision = decisions.decide(purposes, mapping::mayDeclare, consent.forCustomer(envelope.customerId()), context);

        int written = 0;
        List<AuditRecords.Delivery> deliveries = new ArrayList<>(decision.decisions().size());
        for (PurposeVerdict purposeDecision : decision.decisions()) {
            if (purposeDecision.rule().isEmpty() || !purposeDecision.forwards()) {
                deliveries.add(AuditRecords.Delivery.none(purposeDecision));
                continue;
            }
            PurposeRule rule = purposeDecision.rule().get();
            OutputPlans.PlannedOutput planned = plans.plan(SampleContacts.TOPIC, record.getSchema(), rule, purposeDecision.outcome());
            byte[] output = planned.plan().isUnchanged() ? value
                    : serde.serializer().serialize(rule.outputTopic(), minimizer.apply(record, planned.minimization()));
            // As the processor does: the key is the customer id where the purpose may see it, else its keyed hash.
            String customerId = envelope.customerId();
            byte[] outputKey = (planned.keyInClear() ? customerId : keyedHash.hex(customerId)).getBytes(StandardCharsets.UTF_8);
            written += output.length + outputKey.length;
            deliveries.add(new AuditRecords.Delivery(purposeDecision, planned, rule.outputTopic()));
        }
        byte[] auditValue = serde.serializer().serialize(AUDIT_TOPIC, audit.build(event, decision, deliveries, envelope.eventTime(), 0, -1, -1));
        return written + auditValue.length;
    }

    /** What EnvelopeReader carries to the processor: the envelope with the source coordinates and bytes. */
    private static BufferedEvent buffered(byte[] key, byte[] value, long recordTimestamp, SourcePosition position, Envelope envelope) {
        // As EnvelopeReader builds it: the all-arguments constructor.
        return new BufferedEvent(position.topic(), position.partition(), position.offset(), recordTimestamp,
                ByteBuffer.wrap(key), ByteBuffer.wrap(value), List.of(), envelope.customerId(), envelope.purposes(),
                envelope.eventTime(), envelope.eventId(), envelope.jurisdiction());
    }
}
