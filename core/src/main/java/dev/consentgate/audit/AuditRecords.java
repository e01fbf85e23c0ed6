package dev.consentgate.audit;

import dev.consentgate.ingest.PendingEvent;
import dev.consentgate.ingest.SourcePosition;
import dev.consentgate.output.OutputPlans;
import dev.consentgate.consent.ConsentStates;
import dev.consentgate.policy.EventDecision;
import dev.consentgate.policy.FieldAction;
import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.Verdict;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyWords;
import dev.consentgate.policy.PurposeVerdict;
import dev.consentgate.policy.ReasonCode;
import dev.consentgate.schema.AuditChainLink;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.ReviewOutcome;
import dev.consentgate.schema.Sha256;
import dev.consentgate.serde.WireFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Turns an event's decisions into its audit record. The customer id appears only as a keyed hash. */
public final class AuditRecords {

    /** What was done for one purpose, as the audit record reports it: {@code outputTopic} is null when nothing was delivered. */
    public record Delivery(PurposeVerdict decision, OutputPlans.PlannedOutput planned, String outputTopic) {

        /** The purpose got no record. */
        public static Delivery none(PurposeVerdict decision) {
            return new Delivery(decision, OutputPlans.PlannedOutput.NONE, null);
        }

        /** The removed or transformed fields of the delivered record. */
        public List<FieldAction> fields() {
            return planned.plan().actions();
        }
    }

    private final Policy policy;
    private final HmacKey pseudonymKey;

    /** @param pseudonymKey hashes the customer id; its id is recorded so an auditor knows which key made the hash */
    public AuditRecords(Policy policy, HmacKey pseudonymKey) {
        this.policy = policy;
        this.pseudonymKey = pseudonymKey;
    }

    /**
     * The audit record, without its chain link (see {@code AuditChain}). It encodes itself by hand
     * ({@link HandEncodedDecisionRecord}), so it is not {@code equals} to a decoded DecisionRecord.
     *
     * @param consentPartition the consent topic's partition read beside the event
     * @param consentOffset    the offset of the last consent record applied from it, -1 if none
     * @param reroutedOffset   the offset of the last record applied from the same partition of the rerouted-consent topic, -1 if none
     */
    public DecisionRecord build(PendingEvent event, EventDecision decision, List<Delivery> deliveries, long processedAt,
                                int consentPartition, long consentOffset, long reroutedOffset) {
        return build(event, decision, deliveries, processedAt, consentPartition, consentOffset, reroutedOffset, null);
    }

    /** As the other {@code build}, for the decision that follows a reviewer's on a held record, which {@code review} reports. */
    public DecisionRecord build(PendingEvent event, EventDecision decision, List<Delivery> deliveries, long processedAt,
                                int consentPartition, long consentOffset, long reroutedOffset, ReviewOutcome review) {
        SourcePosition position = event.position();
        // All-arguments constructors, not the generated builders: this runs for every event, and the builders
        // validate every field and deep-copy the defaults of the ones left unset. The link is the schema's default
        // until AuditChain seals the record.
        return new HandEncodedDecisionRecord(
                event.event().getEventId(),
                position.topic(),
                position.partition(),
                position.offset(),
                Instant.ofEpochMilli(event.eventTime()),
                pseudonymKey.hash().hex(event.customerId()),
                decision.jurisdiction(),
                PolicyWords.word(policy.enforcementMode()),
                names(decision.eventReasons()),
                HandEncodedDecisionRecord.delivered(deliveries),
                policy.version(),
                policy.contentHash(),
                Instant.ofEpochMilli(processedAt),
                consentPartition,
                consentOffset,
                Instant.ofEpochMilli(decision.decidedAt()),
                reroutedOffset,
                WireFormat.schemaIdOrMinusOne(event.event().getValue()),
                pseudonymKey.id(),
                review,
                unsealedLink());
    }

    private static AuditChainLink unsealedLink() {
        return new AuditChainLink(-1L, new Sha256(ChainHash.zeros()), new Sha256(ChainHash.zeros()));
    }

    static dev.consentgate.schema.PurposeDecision purposeDecision(Delivery delivery) {
        PurposeVerdict d = delivery.decision();
        return new dev.consentgate.schema.PurposeDecision(
                d.purpose().key(),
                d.rule().isEmpty() ? null : d.rule().get().purpose().key(),
                decision(d.outcome()),
                names(d.reasons()),
                d.basis() == null ? null : PolicyWords.word(d.basis()),
                d.consentUsed() == null ? null : ConsentStates.toRecordUsed(d.consentUsed()),
                delivery.planned().auditFields(),
                delivery.outputTopic());
    }

    /**
     * How the audit record reports a plan's fields: built once per plan, shared by the records of its deliveries, and
     * encoded once with it.
     */
    public static List<FieldTreatment> fieldTreatments(List<FieldAction> actions) {
        return HandEncodedDecisionRecord.preEncoded(
                map(actions, f -> new FieldTreatment(f.field(), f.category().key(), PolicyWords.word(f.action()))));
    }

    /** A switch, not {@code Decision.valueOf(name())}: a map lookup per decision, and a new constant fails to compile here. */
    static Decision decision(Verdict outcome) {
        return switch (outcome) {
            case PERMIT -> Decision.PERMIT;
            case REDACT -> Decision.REDACT;
            case TAG -> Decision.TAG;
            case DROP -> Decision.DROP;
        };
    }

    private static List<String> names(List<ReasonCode> reasons) {
        return map(reasons, Enum::name);
    }

    /**
     * {@code items.stream().map(mapper).toList()} without a stream: built several times for every event, the
     * streams' set-up was a tenth of the per-event pipeline in the profile, for lists of one to three items.
     */
    private static <T, R> List<R> map(List<T> items, Function<T, R> mapper) {
        List<R> mapped = new ArrayList<>(items.size());
        for (T item : items) {
            mapped.add(mapper.apply(item));
        }
        return mapped;
    }
}
