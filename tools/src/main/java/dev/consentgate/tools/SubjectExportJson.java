package dev.consentgate.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.consentgate.schema.ConsentRecordUsed;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.ErasureNotice;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.schema.TopicDelivery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A customer's history as a machine-readable JSON document (GDPR Art. 20 portability), documented in
 * docs/subject-rights.md. Deterministic: the same topics give the same bytes (fields in a fixed order, times ISO-8601
 * UTC, lists sorted by time then position, no time of export).
 */
final class SubjectExportJson {

    /** The document's format; raised when a field changes meaning or goes, not when one is added. */
    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SubjectExportJson() {
    }

    static String write(SubjectHistory history) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "consentgate-subject-export");
        root.put("formatVersion", FORMAT_VERSION);
        root.put("customerId", history.customerId());
        root.put("customerIdHmac", history.customerIdHmac());
        root.put("pseudonymKeyId", history.pseudonymKeyId());
        root.put("read", history.sources().stream().map(SubjectExportJson::source).toList());
        root.put("consentHistory", history.statements().stream().map(SubjectExportJson::statement).toList());
        root.put("unreadableConsentRecords", history.unreadable().stream().map(SubjectExportJson::position).toList());
        root.put("decisions", history.decisions().stream().map(SubjectExportJson::decision).toList());
        root.put("erasureNotices", history.notices().stream().map(SubjectExportJson::notice).toList());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the export cannot be written as JSON", e);
        }
    }

    private static Map<String, Object> source(SubjectHistory.Source source) {
        Map<String, Object> read = new LinkedHashMap<>();
        read.put("topic", source.start().topic());
        read.put("partition", source.start().partition());
        read.put("fromOffset", source.start().offset());
        read.put("toOffset", source.toOffset());
        read.put("recordsRead", source.recordsRead());
        return read;
    }

    private static Map<String, Object> statement(SubjectHistory.Statement statement) {
        Map<String, Object> entry = consent(statement.consent());
        entry.put("recordedIn", position(statement.position()));
        entry.put("reroutedFrom", statement.reroutedFrom());
        return entry;
    }

    private static Map<String, Object> consent(ConsentRecordUsed consent) {
        if (consent == null) {
            return null;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("capturedAt", time(consent.getCapturedAt()));
        entry.put("status", consent.getStatus());
        entry.put("purpose", consent.getPurpose());
        entry.put("expiresAt", time(consent.getExpiresAt()));
        entry.put("jurisdiction", consent.getJurisdiction());
        entry.put("source", consent.getSource());
        entry.put("noticeVersion", consent.getNoticeVersion());
        entry.put("consentId", consent.getConsentId());
        if (consent.getSignal() == null) {
            entry.put("signal", null);
        } else {
            Map<String, Object> signal = new LinkedHashMap<>();
            signal.put("kind", consent.getSignal().getKind());
            signal.put("value", consent.getSignal().getValue());
            signal.put("meaning", consent.getSignal().getMeaning());
            entry.put("signal", signal);
        }
        return entry;
    }

    private static Map<String, Object> decision(SubjectHistory.Decision decision) {
        DecisionRecord record = decision.record();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("eventId", record.getEventId());
        entry.put("eventTime", time(record.getEventTime()));
        entry.put("decidedAt", time(record.getDecidedAt()));
        entry.put("processedAt", time(record.getProcessedAt()));
        entry.put("input", position(new SubjectHistory.Position(record.getInputTopic(), record.getInputPartition(), record.getInputOffset())));
        entry.put("jurisdiction", record.getJurisdiction());
        entry.put("enforcementMode", record.getEnforcementMode());
        entry.put("eventReasons", record.getEventReasons());
        entry.put("policyVersion", record.getPolicyVersion());
        entry.put("policyHash", record.getPolicyHash());
        entry.put("purposes", record.getDecisions().stream().map(SubjectExportJson::purpose).toList());
        Map<String, Object> audit = position(decision.position());
        audit.put("chainSequence", record.getChain().getSequence());
        entry.put("auditRecord", audit);
        return entry;
    }

    private static Map<String, Object> notice(SubjectHistory.Notice recorded) {
        ErasureNotice notice = recorded.notice();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("requestedAt", time(notice.getRequestedAt()));
        entry.put("source", notice.getSource());
        entry.put("consentId", notice.getConsentId());
        entry.put("request", position(new SubjectHistory.Position(notice.getRequestTopic(), notice.getRequestPartition(), notice.getRequestOffset())));
        entry.put("policyVersion", notice.getPolicyVersion());
        entry.put("deliveries", notice.getDeliveries().stream().map(SubjectExportJson::delivery).toList());
        entry.put("recordedIn", position(recorded.position()));
        return entry;
    }

    private static Map<String, Object> delivery(TopicDelivery delivery) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("topic", delivery.getTopic());
        entry.put("recordKey", delivery.getRecordKey());
        entry.put("records", delivery.getRecords());
        entry.put("firstDeliveredAt", time(delivery.getFirstDeliveredAt()));
        entry.put("lastDeliveredAt", time(delivery.getLastDeliveredAt()));
        entry.put("firstEventId", delivery.getFirstEventId());
        entry.put("lastEventId", delivery.getLastEventId());
        return entry;
    }

    private static Map<String, Object> purpose(PurposeDecision decision) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("purpose", decision.getPurpose());
        entry.put("decision", decision.getDecision().name());
        entry.put("reasons", decision.getReasons());
        entry.put("legalBasis", decision.getLegalBasis());
        entry.put("policyRule", decision.getRule());
        entry.put("consentUsed", consent(decision.getConsentUsed()));
        entry.put("fieldsRemovedOrChanged", fields(decision.getFields()));
        entry.put("outputTopic", decision.getOutputTopic());
        return entry;
    }

    private static List<Map<String, Object>> fields(List<FieldTreatment> fields) {
        return fields.stream().map(f -> {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("field", f.getField());
            field.put("category", f.getCategory());
            field.put("action", f.getAction());
            return field;
        }).toList();
    }

    private static Map<String, Object> position(SubjectHistory.Position position) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("topic", position.topic());
        entry.put("partition", position.partition());
        entry.put("offset", position.offset());
        return entry;
    }

    /** ISO-8601 UTC; null for none, and for -1 (a time not recorded by the version that wrote the record). */
    private static String time(Instant time) {
        return time == null || time.toEpochMilli() < 0 ? null : time.toString();
    }
}
