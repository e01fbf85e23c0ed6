package dev.consentgate.tools;

import dev.consentgate.policy.ReasonCode;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Tells in plain words what an audit record says was done with one event, for each purpose, and why. */
public final class DecisionExplainer {

    private static final String NL = System.lineSeparator();

    private DecisionExplainer() {
    }

    /**
     * @param auditPartition where the audit record was found, with {@code auditOffset}
     */
    public static String explain(DecisionRecord record, String auditTopic, int auditPartition, long auditOffset) {
        StringBuilder text = new StringBuilder();
        text.append("Event ").append(record.getEventId()).append(" (").append(record.getInputTopic())
                .append(", partition ").append(record.getInputPartition()).append(", offset ").append(record.getInputOffset()).append(')').append(NL);
        line(text, "event time " + record.getEventTime() + "; " + decisionTime(record) + "; processed " + record.getProcessedAt()
                + " under policy " + record.getPolicyVersion() + " (sha256 " + record.getPolicyHash() + "), mode " + record.getEnforcementMode());
        line(text, "customer HMAC " + record.getCustomerIdHmac() + "; jurisdiction "
                + (record.getJurisdiction() == null ? "unknown (opt-in rules applied)" : record.getJurisdiction()));
        line(text, "audit record: " + auditTopic + " partition " + auditPartition + " offset " + auditOffset
                + ", chain sequence " + record.getChain().getSequence());
        if (!record.getEventReasons().isEmpty()) {
            line(text, "about the event: " + reasons(record.getEventReasons()));
        }
        for (PurposeDecision decision : record.getDecisions()) {
            text.append(NL).append("  ").append(decision.getPurpose()).append(": ").append(decision.getDecision()).append(NL);
            detail(text, "why", reasons(decision.getReasons()));
            detail(text, "legal basis", (decision.getLegalBasis() == null ? "none" : decision.getLegalBasis())
                    + "; policy rule: " + (decision.getRule() == null ? "none covers this purpose" : decision.getRule()));
            detail(text, "consent used", consent(decision.getConsentUsed()));
            detail(text, "fields", fields(decision.getFields()));
            detail(text, "sent to", decision.getOutputTopic() == null ? "no purpose topic (not forwarded)" : decision.getOutputTopic());
        }
        return text.toString();
    }

    /** Records written before the field existed hold -1: they were judged at the event's time only. */
    private static String decisionTime(DecisionRecord record) {
        return record.getDecidedAt().toEpochMilli() < 0 ? "no decision time recorded (consent judged at the event's time)"
                : "decision time " + record.getDecidedAt() + " (consent judged at both)";
    }

    private static void line(StringBuilder text, String line) {
        text.append("  ").append(line).append(NL);
    }

    private static void detail(StringBuilder text, String label, String value) {
        text.append("    ").append(label).append(": ").append(value).append(NL);
    }

    private static String reasons(List<String> codes) {
        return codes.stream().map(DecisionExplainer::reason).collect(Collectors.joining(" "));
    }

    /** A code this version does not know (written by a newer one) is shown as it is, without a meaning. */
    private static String reason(String code) {
        for (ReasonCode known : ReasonCode.values()) {
            if (known.name().equals(code)) {
                return code + ": " + known.meaning();
            }
        }
        return code + ".";
    }

    /** A consent record in plain words: status, purpose, capture, expiry, notice, jurisdiction, id, signal. */
    static String consent(ConsentRecordUsed used) {
        if (used == null) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        parts.add(used.getStatus() + (used.getPurpose() == null ? " (erasure request)" : " for " + used.getPurpose()));
        parts.add("captured " + used.getCapturedAt() + (used.getSource() == null ? "" : " via " + used.getSource()));
        if (used.getExpiresAt() != null) {
            parts.add("expiring " + used.getExpiresAt());
        }
        if (used.getNoticeVersion() != null) {
            parts.add("notice " + used.getNoticeVersion());
        }
        if (used.getJurisdiction() != null) {
            parts.add("jurisdiction " + used.getJurisdiction());
        }
        if (used.getConsentId() != null) {
            parts.add("consent id " + used.getConsentId());
        }
        if (used.getSignal() != null) {
            // What the signal meant, not the signal itself: the string is in the audit record for whoever needs it.
            parts.add("from a " + used.getSignal().getKind() + " signal: " + used.getSignal().getMeaning());
        }
        return String.join(", ", parts);
    }

    private static String fields(List<FieldTreatment> fields) {
        if (fields.isEmpty()) {
            return "none removed or changed";
        }
        return fields.stream().map(f -> f.getField() + " (" + f.getCategory() + ") " + past(f.getAction()))
                .collect(Collectors.joining("; "));
    }

    private static String past(String action) {
        return switch (action) {
            case "remove" -> "removed";
            case "hash" -> "replaced by its keyed hash";
            case "mask" -> "masked";
            case "generalize" -> "generalized";
            default -> action;
        };
    }
}
