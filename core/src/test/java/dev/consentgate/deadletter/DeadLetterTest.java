package dev.consentgate.deadletter;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.EnforcementDriver;
import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records that cannot be decided land in the dead-letter topic with the reason; processing goes on. */
class DeadLetterTest {

    private static final String EMAIL = "marketing.communications.email";

    private EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void unreadableAndIncompleteRecordsGoToTheDeadLetterTopicAndLaterRecordsAreStillDecided() {
        driver.consent("cust-11", EMAIL, ConsentStatus.GRANTED, 1_000);
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchema = {0, 0, 0, 0x7f, 0x42, 2, 4, 6};
        byte[] truncated = {0, 0, 0};
        ContactUpdated noCustomer = contact("e-no-customer", "", 2_000, EMAIL);
        ContactUpdated noPurposes = contact("e-no-purposes", "cust-11", 2_000);
        noPurposes.setPurposes(null);

        driver.sendRaw(CONTACTS, "k-garbage", garbage);
        driver.sendRaw(CONTACTS, "k-unknown", unknownSchema);
        driver.sendRaw(CONTACTS, "k-truncated", truncated);
        driver.sendRaw(CONTACTS, "k-null", null);
        driver.sendRaw(CONTACTS, "k-no-customer", driver.encode(CONTACTS, noCustomer));
        driver.sendRaw(CONTACTS, "k-no-purposes", driver.encode(CONTACTS, noPurposes));
        driver.send(contact("e-valid", "cust-11", 2_000, EMAIL));

        List<TestRecord<byte[], byte[]>> dlq = driver.records("consent.dlq");
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-reason")).containsExactly(
                "BAD_MAGIC_BYTE", "UNKNOWN_SCHEMA_ID", "TRUNCATED", "NULL_VALUE", "MISSING_CUSTOMER_ID", "MISSING_PURPOSES");
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-topic")).containsOnly(CONTACTS);
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-partition")).containsOnly("0");
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-offset")).containsExactly("0", "1", "2", "3", "4", "5");
        assertThat(dlq).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("k-garbage", "k-unknown", "k-truncated", "k-null", "k-no-customer", "k-no-purposes");
        assertThat(dlq.get(0).value()).isEqualTo(garbage);
        assertThat(dlq.get(1).value()).isEqualTo(unknownSchema);
        assertThat(header(dlq.get(4), "consent-dlq-detail")).isEqualTo("no customer id at field customerId");
        assertThat(driver.audits()).extracting(DecisionRecord::getEventId).containsExactly("e-valid");
        assertThat(driver.purpose(EMAIL)).hasSize(1);
    }

    @Test
    void aConsentEventKeyedByAnythingButItsCustomerIsRejectedNotMisfiled() {
        ConsentEvent event = ConsentEvent.newBuilder()
                .setCustomerId("cust-k").setPurpose(EMAIL).setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(Instant.ofEpochMilli(1_000)).build();

        driver.sendRaw("consent.events", "another-key", driver.encode("consent.events", event));
        driver.send(contact("e-k", "cust-k", 2_000, EMAIL));

        assertThat(driver.records("consent.dlq")).singleElement().satisfies(r -> {
            assertThat(header(r, "consent-dlq-reason")).isEqualTo("INVALID_CONSENT_EVENT");
            assertThat(header(r, "consent-dlq-topic")).isEqualTo("consent.events");
        });
        assertThat(driver.audits().get(0).getDecisions().get(0).getReasons()).containsExactly("UNKNOWN_CUSTOMER");
    }

    @Test
    void aConsentUpdateOlderThanTheHistoryCutOffStillCountsWhereNothingLaterReplacedIt() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(ConsentGateConfig.HISTORY_RETENTION_MS, 10_000L));
        driver.consent("cust-o", "analytics", ConsentStatus.GRANTED, 100_000);

        // Captured long before the cut-off (90,000), it arrives late; nothing about the purpose came between
        driver.consent("cust-o", EMAIL, ConsentStatus.GRANTED, 50_000);
        driver.send(contact("e-o", "cust-o", 95_000, EMAIL));

        assertThat(driver.records("consent.dlq")).isEmpty();
        assertThat(EnforcementDriver.firstDecisions(driver.audits())).containsExactly("e-o:PERMIT:CONSENT_GRANTED");
    }

    @Test
    void aSchemaWithAnUnusableDataCategoryAndAvroThatDoesNotMatchItsSchemaAreDeadLettered() {
        Schema badCategory = SchemaBuilder.record("Odd").namespace("test").fields()
                .requiredString("eventId").requiredString("customerId").requiredLong("occurredAt")
                .name("purposes").type().array().items().stringType().noDefault()
                .name("email").prop("data_category", "User Email").type().stringType().noDefault()
                .endRecord();
        GenericRecord odd = new GenericRecordBuilder(badCategory).set("eventId", "e-odd").set("customerId", "cust-x")
                .set("occurredAt", 2_000L).set("purposes", List.of(EMAIL)).set("email", "x@example.com").build();
        byte[] valid = driver.encode(CONTACTS, contact("e-m", "cust-x", 2_000, EMAIL));
        byte[] malformed = java.util.Arrays.copyOf(valid, 12);

        driver.sendRaw(CONTACTS, "k-odd", driver.encodeGeneric(CONTACTS, odd));
        driver.sendRaw(CONTACTS, "k-malformed", malformed);

        assertThat(driver.records("consent.dlq")).extracting(r -> header(r, "consent-dlq-reason"))
                .containsExactly("INVALID_DATA_CATEGORY", "MALFORMED_AVRO");
        assertThat(driver.audits()).isEmpty();
    }
}
