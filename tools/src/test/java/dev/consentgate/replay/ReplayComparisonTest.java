package dev.consentgate.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The comparison of recorded and replayed audit records, the report built from it, and progress lines. */
class ReplayComparisonTest {

    @Test
    void recordsThatDifferOnlyInClockChainAndPositionsAreEqual() {
        // Given a recorded audit record and its replay, decided by a task with other positions, later, with another chain
        Map<String, Object> recorded = audit("PERMIT", List.of("CONSENT_GRANTED"));
        Map<String, Object> replayed = audit("PERMIT", List.of("CONSENT_GRANTED"));
        replayed.put("processedAt", 99L);
        replayed.put("chain", Map.of("sequence", 7L));
        replayed.put("inputPartition", 0);
        replayed.put("inputOffset", 3L);
        replayed.put("consentPartition", 0);
        replayed.put("consentOffset", 41L);

        // When they are compared
        List<AuditView.Difference> differences = AuditView.differences(recorded, replayed);

        // Then nothing differs
        assertThat(differences).isEmpty();
    }

    @Test
    void aChangedDecisionIsNamedByItsPurposeWithBothSides() {
        // Given a replay that drops what was permitted
        Map<String, Object> recorded = audit("PERMIT", List.of("CONSENT_GRANTED"));
        Map<String, Object> replayed = audit("DROP", List.of("NO_CONSENT"));

        // When they are compared
        List<AuditView.Difference> differences = AuditView.differences(recorded, replayed);

        // Then the decision and the reason differ, named by purpose
        assertThat(differences).extracting(Object::toString).containsExactly(
                "decisions[train_ai_system].decision: PERMIT | DROP",
                "decisions[train_ai_system].reasons[0]: CONSENT_GRANTED | NO_CONSENT");
    }

    @Test
    void aDifferentDecisionTimeIsADifference() {
        // Given a replay decided at another time than recorded: it judged other consent
        Map<String, Object> recorded = audit("PERMIT", List.of("CONSENT_GRANTED"));
        Map<String, Object> replayed = audit("PERMIT", List.of("CONSENT_GRANTED"));
        replayed.put("decidedAt", 4_000L);

        // When they are compared
        List<AuditView.Difference> differences = AuditView.differences(recorded, replayed);

        // Then the decision time differs
        assertThat(differences).extracting(Object::toString).containsExactly("decidedAt: 3000 | 4000");
    }

    @Test
    void aReportWithAMismatchDoesNotMatchAndShowsBothDecisionsSideBySide() throws Exception {
        // Given a replay of three events, one of which was decided differently
        ReplayReport report = new ReplayReport(ReplayReport.Mode.REPLAY, "consent.audit", "everything", Map.of("v1", "ab".repeat(32)), 10);
        report.matched();
        report.matched();
        Map<String, Object> recorded = audit("PERMIT", List.of("CONSENT_GRANTED"));
        Map<String, Object> replayed = audit("DROP", List.of("CONSENT_GRANTED"));
        report.mismatched(new ReplayReport.Mismatch("e-3", 1, 17, "crm.contacts-1@5", null,
                AuditView.differences(recorded, replayed), recorded, replayed));
        report.deadLettered();

        // When it is rendered
        String text = report.text();
        JsonNode json = new ObjectMapper().readTree(report.json());

        // Then the counts, the verdict and both sides are there
        assertThat(report.allMatch()).isFalse();
        assertThat(text).contains("  matched                           2\n", "  mismatched                        1\n",
                "  dead-lettered inputs              1\n",
                "mismatch 1: event e-3, audit partition 1 offset 17, input crm.contacts-1@5",
                "result: DIFFERENCES FOUND (3 events replayed)");
        assertThat(text).containsPattern("decisions\\[train_ai_system]\\.decision +PERMIT +DROP");
        assertThat(json.get("counts").get("matched").asLong()).isEqualTo(2);
        assertThat(json.get("counts").get("mismatched").asLong()).isEqualTo(1);
        assertThat(json.get("allMatch").asBoolean()).isFalse();
        assertThat(json.get("mismatches").get(0).get("recorded").get("decisions").get(0).get("decision").asText()).isEqualTo("PERMIT");
        assertThat(json.get("mismatches").get(0).get("replayed").get("decisions").get(0).get("decision").asText()).isEqualTo("DROP");
    }

    @Test
    void fieldsAddedLaterAreComparedOnlyWhereTheRecordHasThem() {
        // Given a record written before the input schema id and key id existed, and one written with them
        Map<String, Object> older = audit("PERMIT", List.of("CONSENT_GRANTED"));
        older.put("inputSchemaId", -1);
        older.put("pseudonymKeyId", null);
        Map<String, Object> newer = audit("PERMIT", List.of("CONSENT_GRANTED"));
        newer.put("inputSchemaId", 7);
        newer.put("pseudonymKeyId", "7b96d3e989456d0f");
        Map<String, Object> replayed = audit("PERMIT", List.of("CONSENT_GRANTED"));
        replayed.put("inputSchemaId", 8);
        replayed.put("pseudonymKeyId", "0c3a51e2d47f9b10");

        // When each is compared with its replay
        // Then the older one matches, and the newer one differs in both
        assertThat(AuditView.differences(older, replayed)).isEmpty();
        assertThat(AuditView.differences(newer, replayed)).extracting(Object::toString).containsExactly(
                "inputSchemaId: 7 | 8", "pseudonymKeyId: 7b96d3e989456d0f | 0c3a51e2d47f9b10");
    }

    @Test
    void auditRecordsOfDeletedInputsAreCountedApartAndDoNotFailTheReplay() {
        // Given a replay where every replayed event matched and one audit record's input was deleted since
        ReplayReport report = new ReplayReport(ReplayReport.Mode.REPLAY, "consent.audit", "everything", Map.of(), 10);
        report.matched();
        report.inputDeleted("e-1", "crm.contacts-0@3");

        // When it is judged
        boolean allMatch = report.allMatch();

        // Then it passes, and the deleted input is counted and named apart
        assertThat(allMatch).isTrue();
        assertThat(report.inputDeletedCount()).isEqualTo(1);
        assertThat(report.text()).contains("  input deleted                     1\n",
                "input deleted (not replayed): 1\n  e-1 (input crm.contacts-0@3)", "result: all 1 decisions match");
    }

    @Test
    void aMissingAuditRecordAloneFailsTheReplay() {
        // Given a replay where every replayed event matched but one input has no audit record
        ReplayReport report = new ReplayReport(ReplayReport.Mode.REPLAY, "consent.audit", "everything", Map.of(), 10);
        report.matched();
        report.missingAudit("crm.contacts-0@12");

        // When it is judged
        boolean allMatch = report.allMatch();

        // Then it fails and names the input position
        assertThat(allMatch).isFalse();
        assertThat(report.text()).contains("missing audit (input positions): 1\n  crm.contacts-0@12");
    }

    @Test
    void aWhatIfCountsTransitionsPerPurposeAndReason() throws Exception {
        // Given 1,204 events whose permit becomes a drop and one that stays
        ReplayReport report = new ReplayReport(ReplayReport.Mode.WHAT_IF, "consent.audit", "everything", Map.of("v2", "cd".repeat(32)), 10);
        for (int i = 0; i < 1_204; i++) {
            report.replayedUnderNewPolicy(ReplayEngine.transitions(audit("PERMIT", List.of("CONSENT_GRANTED")),
                    audit("DROP", List.of("NO_CONSENT"))));
        }
        report.replayedUnderNewPolicy(ReplayEngine.transitions(audit("PERMIT", List.of("CONSENT_GRANTED")),
                audit("PERMIT", List.of("CONSENT_GRANTED"))));

        // When it is rendered
        String text = report.text();
        JsonNode json = new ObjectMapper().readTree(report.json());

        // Then the change is counted by purpose, decisions and reason
        assertThat(text).contains("1,205 events replayed, 1,204 would change",
                "decisions that would change:\n  train_ai_system: 1,204 permit → drop, reason NO_CONSENT\n",
                "decisions that stay:\n  train_ai_system: 1 permit → permit, reason CONSENT_GRANTED\n");
        assertThat(report.newDecisionCounts()).isEqualTo(Map.of("train_ai_system", Map.of("DROP", 1_204L, "PERMIT", 1L)));
        assertThat(json.get("transitions").get(0).get("count").asLong()).isEqualTo(1_204);
        assertThat(json.get("counts").get("eventsChanged").asLong()).isEqualTo(1_204);
    }

    @Test
    void progressIsShownAtMostOncePerInterval() {
        // Given a progress meter over 1,000 records with a clock the test moves
        AtomicLong clock = new AtomicLong();
        List<String> lines = new ArrayList<>();
        Progress progress = new Progress(lines::add, Duration.ofSeconds(10), clock::get);
        progress.addToTotal(1_000);

        // When records are read over 25 seconds
        progress.read(100);
        clock.addAndGet(Duration.ofSeconds(11).toNanos());
        progress.read(150);
        progress.read(50);
        clock.addAndGet(Duration.ofSeconds(14).toNanos());
        progress.replayed();

        // Then a line is shown once per 10 seconds
        assertThat(lines).containsExactly("replay: 250 of 1,000 records read (25%), 0 events replayed",
                "replay: 300 of 1,000 records read (30%), 1 events replayed");
    }

    private static Map<String, Object> audit(String decision, List<String> reasons) {
        Map<String, Object> purpose = new LinkedHashMap<>();
        purpose.put("purpose", "train_ai_system");
        purpose.put("rule", "train_ai_system");
        purpose.put("decision", decision);
        purpose.put("reasons", reasons);
        purpose.put("legalBasis", "consent");
        purpose.put("fields", List.of());
        purpose.put("outputTopic", null);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventId", "e-1");
        record.put("inputTopic", "crm.contacts");
        record.put("inputPartition", 1);
        record.put("inputOffset", 5L);
        record.put("eventTime", 1_000L);
        record.put("decidedAt", 3_000L);
        record.put("customerIdHmac", "ff".repeat(32));
        record.put("decisions", new ArrayList<>(List.of(purpose)));
        record.put("policyVersion", "v1");
        record.put("processedAt", 5_000L);
        record.put("consentPartition", 1);
        record.put("consentOffset", 9L);
        return record;
    }
}
