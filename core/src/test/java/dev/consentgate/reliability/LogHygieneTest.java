package dev.consentgate.reliability;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.ENGAGEMENT;
import static dev.consentgate.enforce.EnforcementDriver.LEAD_SCORES;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.engagement;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static dev.consentgate.enforce.EnforcementDriver.leadScore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.EnforcementDriver;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.Test;

/**
 * Nothing personal reaches the logs: a scenario with every kind of outcome — permits, redactions,
 * tags, drops, dead letters, an event older than the history, a schema with an invalid data category — runs while everything written to System.err
 * and System.out is captured. slf4j-simple writes to System.err, resolved at each write, at the
 * levels of src/test/resources/simplelogger.properties: INFO and above for ConsentGate's own
 * loggers, WARN and above for the libraries.
 */
class LogHygieneTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final String CUSTOMER = "cust-hygiene-4417";
    private static final String OTHER_CUSTOMER = "cust-hygiene-9052";
    private static final String ODD_EMAIL = "odd.person@example.org";

    /** Every personal value the scenario sends: the sample events' contact data, the customer ids, the odd record's email. */
    private static final List<String> PII = List.of(
            "jane.doe@example.com", "Jane", "Doe", "+44 20 7946 0958", "94107", "203.0.113.7", "1987-03-14",
            CUSTOMER, OTHER_CUSTOMER, ODD_EMAIL);

    @Test
    void noPersonalValueIsLoggedWhilePermittingRedactingDroppingAndDeadLettering() {
        // Given
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        List<DecisionRecord> audits;
        List<String> deadLetterReasons;

        // When: the whole driver lifetime runs with both streams teed into the capture
        System.setErr(tee(originalErr, captured));
        System.setOut(tee(originalOut, captured));
        try (EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy(),
                Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, 10_000L))) {
            runScenario(driver);
            audits = driver.audits();
            deadLetterReasons = driver.records("consent.dlq").stream().map(r -> header(r, "consent-dlq-reason")).toList();
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        // Then: the scenario reached every outcome it is meant to cover
        assertThat(audits.stream().flatMap(a -> a.getDecisions().stream()).map(PurposeDecision::getDecision).distinct())
                .containsExactlyInAnyOrder(Decision.PERMIT, Decision.REDACT, Decision.TAG, Decision.DROP);
        assertThat(audits.stream().flatMap(a -> a.getDecisions().stream()).flatMap(d -> d.getReasons().stream()))
                .contains("CONSENT_HISTORY_EXPIRED", "UNKNOWN_CUSTOMER", "OBJECTION");
        assertThat(deadLetterReasons).containsExactly(
                "BAD_MAGIC_BYTE", "NULL_VALUE", "MISSING_PURPOSES", "INVALID_DATA_CATEGORY");
        // And: the capture worked, so the check below cannot pass on an empty log
        assertThat(log).contains("WARN org.apache.kafka.streams.processor.internals.StateDirectory");
        // And: no personal value was logged
        assertThat(log).doesNotContain(PII);
    }

    private static void runScenario(EnforcementDriver driver) {
        driver.consent(CUSTOMER, EMAIL, ConsentStatus.GRANTED, 100_000, null, "EU");
        driver.consent(CUSTOMER, "personalize", ConsentStatus.DENIED, 100_001, null, "EU");
        driver.consent(OTHER_CUSTOMER, "analytics", ConsentStatus.GRANTED, 100_002, null, "US-CA");

        // Permitted, redacted and dropped purposes of one event; an unknown customer; events older than the history, one
        // of them tagged (a legitimate interest whose consent cannot be known, and no objection since)
        driver.send(contact("e-mixed", CUSTOMER, 101_000, EMAIL, "analytics.reporting", "marketing.advertising", "personalize.profiling"));
        driver.send(ENGAGEMENT, "unknown-customer", engagement("e-unknown", "cust-never-seen", 101_000, EMAIL), 101_000);
        driver.send(LEAD_SCORES, OTHER_CUSTOMER, leadScore("e-scores", OTHER_CUSTOMER, 101_000, "analytics.reporting"), 101_000);
        driver.send(contact("e-ancient", CUSTOMER, 50_000, EMAIL));
        driver.send(contact("e-tagged", OTHER_CUSTOMER, 101_000, "sales.prospecting"));

        // Dead letters: unreadable bytes, a tombstone, no purposes, a bad category
        driver.sendRaw(CONTACTS, CUSTOMER, "jane.doe@example.com,Jane,Doe,94107".getBytes(StandardCharsets.UTF_8));
        driver.sendRaw(CONTACTS, CUSTOMER, null);
        ContactUpdated noPurposes = contact("e-no-purposes", CUSTOMER, 101_000);
        noPurposes.setPurposes(null);
        driver.sendRaw(CONTACTS, CUSTOMER, driver.encode(CONTACTS, noPurposes));
        driver.sendRaw(CONTACTS, CUSTOMER, driver.encodeGeneric(CONTACTS, withInvalidCategory()));
    }

    private static GenericRecord withInvalidCategory() {
        Schema schema = SchemaBuilder.record("Odd").namespace("hygiene").fields()
                .requiredString("eventId").requiredString("customerId").requiredLong("occurredAt")
                .name("purposes").type().array().items().stringType().noDefault()
                .name("email").prop("data_category", "Contact Email").type().stringType().noDefault()
                .endRecord();
        return new GenericRecordBuilder(schema).set("eventId", "e-odd").set("customerId", CUSTOMER).set("occurredAt", 101_000L)
                .set("purposes", List.of(EMAIL)).set("email", ODD_EMAIL).build();
    }

    private static PrintStream tee(PrintStream original, ByteArrayOutputStream capture) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                capture.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                capture.write(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8);
    }
}
