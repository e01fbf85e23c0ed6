package dev.consentgate.topology;

import dev.consentgate.consent.ConsentStateSerde;
import dev.consentgate.policy.EventDecision;
import dev.consentgate.policy.FieldAction;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.PurposeDecision;
import dev.consentgate.policy.PurposeRule;
import dev.consentgate.policy.ReasonCode;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import java.time.Instant;
import java.util.List;

/** Turns an event's decisions into its audit record. The customer id appears only as a keyed hash. */
public final class AuditRecords {

    /** What was done for one purpose, as the audit record reports it. */
    public record Delivery(PurposeDecision decision, List<FieldAction> fields, String outputTopic) {
    }

    private final Policy policy;
    private final KeyedHash keyedHash;

    public AuditRecords(Policy policy, KeyedHash keyedHash) {
        this.policy = policy;
        this.keyedHash = keyedHash;
    }

    /**
     * The audit record, without its chain link (see {@code AuditChain}).
     *
     * @param consentPartition the consent topic's partition read beside the event
     * @param consentOffset    the offset of the last consent record read from it, -1 if none
     */
    public DecisionRecord build(PendingEvent event, EventDecision decision, List<Delivery> deliveries, long processedAt,
                                int consentPartition, long consentOffset) {
        SourcePosition position = event.position();
        return DecisionRecord.newBuilder()
                .setEventId(event.event().getEventId())
                .setInputTopic(position.topic())
                .setInputPartition(position.partition())
                .setInputOffset(position.offset())
                .setEventTime(Instant.ofEpochMilli(event.eventTime()))
                .setCustomerIdHmac(keyedHash.hex(event.customerId()))
                .setJurisdiction(decision.jurisdiction())
                .setEnforcementMode(PolicyWords.word(policy.enforcementMode()))
                .setEventReasons(names(decision.eventReasons()))
                .setDecisions(deliveries.stream().map(AuditRecords::purposeDecision).toList())
                .setPolicyVersion(policy.version())
                .setPolicyHash(policy.contentHash())
                .setProcessedAt(Instant.ofEpochMilli(processedAt))
                .setConsentPartition(consentPartition)
                .setConsentOffset(consentOffset)
                .build();
    }

    private static dev.consentgate.schema.PurposeDecision purposeDecision(Delivery delivery) {
        PurposeDecision d = delivery.decision();
        return dev.consentgate.schema.PurposeDecision.newBuilder()
                .setPurpose(d.purpose().key())
                .setRule(d.rule().map(PurposeRule::purpose).map(p -> p.key()).orElse(null))
                .setDecision(Decision.valueOf(d.outcome().name()))
                .setReasons(names(d.reasons()))
                .setLegalBasis(d.basis() == null ? null : PolicyWords.word(d.basis()))
                .setConsentUsed(d.consentUsed() == null ? null : ConsentStateSerde.toRecordUsed(d.consentUsed()))
                .setFields(delivery.fields().stream()
                        .map(f -> new FieldTreatment(f.field(), f.category().key(), PolicyWords.word(f.action())))
                        .toList())
                .setOutputTopic(delivery.outputTopic())
                .build();
    }

    private static List<String> names(List<ReasonCode> reasons) {
        return reasons.stream().map(Enum::name).toList();
    }
}
