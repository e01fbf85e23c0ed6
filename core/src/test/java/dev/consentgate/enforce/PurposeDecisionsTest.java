package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.ENGAGEMENT;
import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static dev.consentgate.enforce.EnforcementDriver.LEAD_SCORES;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.engagement;
import static dev.consentgate.enforce.EnforcementDriver.fieldNames;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static dev.consentgate.enforce.EnforcementDriver.leadScore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each purpose receives, and what the audit says, under the bundled example policy. */
class PurposeDecisionsTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final KeyedHash HASH = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8));

    private EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    private static List<String> purposes(DecisionRecord audit) {
        return audit.getDecisions().stream().map(PurposeDecision::getPurpose).toList();
    }

    @Test
    void theAuditRecordNamesTheInputsSchemaIdAndTheKeyOfItsHashes() {
        byte[] sent = driver.send(contact("e-9", "cust-9", 2_000, EMAIL));

        DecisionRecord audit = driver.audits().get(0);
        assertThat(audit.getInputSchemaId()).isEqualTo(ByteBuffer.wrap(sent, 1, 4).getInt()).isNotNegative();
        assertThat(audit.getPseudonymKeyId()).isEqualTo(HASH.fingerprint());
    }

    @Test
    void aConfiguredKeyIdIsRecordedInsteadOfTheFingerprint() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy(), Map.of(ConsentGateConfig.HMAC_KEY_ID, "vault:crm-hmac/3"));

        driver.send(contact("e-9", "cust-9", 2_000, EMAIL));

        assertThat(driver.audits().get(0).getPseudonymKeyId()).isEqualTo("vault:crm-hmac/3");
    }

    @Test
    void grantedConsentPermitsTheEventMinimizedToTheAllowedCategoriesWithHeadersAndOneAuditRecord() throws Exception {
        driver.consent("cust-1", EMAIL, ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-1", "cust-1", 2_000, EMAIL));

        List<TestRecord<byte[], byte[]>> out = driver.purpose(EMAIL);
        assertThat(out).hasSize(1);
        TestRecord<byte[], byte[]> record = out.get(0);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cust-1");
        GenericRecord value = driver.decode("crm.purpose." + EMAIL, record.value());
        assertThat(fieldNames(value)).containsExactly(
                "eventId", "customerId", "occurredAt", "purposes", "email", "firstName", "lastName");
        assertThat(value.get("email").toString()).isEqualTo("jane.doe@example.com");
        assertThat(value.get("firstName").toString()).isEqualTo("Jane");
        assertThat(header(record, "consent-decision")).isEqualTo("permit");
        assertThat(header(record, "consent-basis")).isEqualTo("consent");
        assertThat(header(record, "consent-reasons")).isEqualTo("CONSENT_GRANTED");
        assertThat(header(record, "consent-policy-version")).isEqualTo("2026-12-06.1");
        assertThat(header(record, "consent-event-id")).isEqualTo("e-1");
        assertThat(header(record, "consent-mode")).isEqualTo("enforce");

        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).hasSize(1);
        DecisionRecord audit = audits.get(0);
        assertThat(audit.getEventId()).isEqualTo("e-1");
        assertThat(audit.getInputTopic()).isEqualTo(CONTACTS);
        assertThat(audit.getInputPartition()).isZero();
        assertThat(audit.getInputOffset()).isZero();
        assertThat(audit.getEventTime()).isEqualTo(Instant.ofEpochMilli(2_000));
        assertThat(audit.getCustomerIdHmac()).isEqualTo(HASH.hex("cust-1")).doesNotContain("cust-1");
        assertThat(audit.getJurisdiction()).isEqualTo("EU");
        assertThat(audit.getEnforcementMode()).isEqualTo("enforce");
        assertThat(audit.getPolicyVersion()).isEqualTo("2026-12-06.1");
        assertThat(audit.getPolicyHash()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8))));
        PurposeDecision decision = audit.getDecisions().get(0);
        assertThat(decision.getPurpose()).isEqualTo(EMAIL);
        assertThat(decision.getRule()).isEqualTo(EMAIL);
        assertThat(decision.getDecision()).isEqualTo(Decision.PERMIT);
        assertThat(decision.getReasons()).containsExactly("CONSENT_GRANTED");
        assertThat(decision.getLegalBasis()).isEqualTo("consent");
        assertThat(decision.getConsentUsed().getStatus()).isEqualTo("GRANTED");
        assertThat(decision.getConsentUsed().getCapturedAt()).isEqualTo(Instant.ofEpochMilli(1_000));
        assertThat(decision.getConsentUsed().getSource()).isEqualTo("web-banner");
        assertThat(decision.getConsentUsed().getNoticeVersion()).isEqualTo("notice-7");
        assertThat(decision.getOutputTopic()).isEqualTo("crm.purpose." + EMAIL);
        assertThat(decision.getFields()).containsExactly(
                new FieldTreatment("birthDate", "user.demographic.date_of_birth", "remove"),
                new FieldTreatment("country", "user.contact.address.country", "remove"),
                new FieldTreatment("gender", "user.demographic.gender", "remove"),
                new FieldTreatment("lifecycleStage", "user.behavior", "remove"),
                new FieldTreatment("phone", "user.contact.phone_number", "remove"),
                new FieldTreatment("postalCode", "user.contact.address.postal_code", "remove"));
    }

    @Test
    void unknownCustomerUnknownPurposeAndNoPurposeFailClosedWithTheirReasons() {
        driver.consent("cust-4", EMAIL, ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-unknown-customer", "nobody", 2_000, EMAIL));
        driver.send(contact("e-unknown-purpose", "cust-4", 2_000, "sales.upsell"));
        driver.send(contact("e-no-purpose", "cust-4", 2_000));

        assertThat(driver.purpose(EMAIL)).isEmpty();
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).hasSize(3);
        PurposeDecision unknownCustomer = audits.get(0).getDecisions().get(0);
        assertThat(unknownCustomer.getDecision()).isEqualTo(Decision.DROP);
        assertThat(unknownCustomer.getReasons()).containsExactly("UNKNOWN_CUSTOMER");
        assertThat(unknownCustomer.getConsentUsed()).isNull();
        assertThat(unknownCustomer.getOutputTopic()).isNull();
        PurposeDecision unknownPurpose = audits.get(1).getDecisions().get(0);
        assertThat(unknownPurpose.getDecision()).isEqualTo(Decision.DROP);
        assertThat(unknownPurpose.getReasons()).containsExactly("UNKNOWN_PURPOSE");
        assertThat(unknownPurpose.getRule()).isNull();
        assertThat(unknownPurpose.getLegalBasis()).isNull();
        assertThat(audits.get(2).getDecisions()).isEmpty();
        assertThat(audits.get(2).getEventReasons()).containsExactly("NO_PURPOSE");
    }

    @Test
    void legitimateInterestIsPermittedUntilTheCustomerObjectsAndThenDropped() {
        driver.consent("cust-6", EMAIL, ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-before", "cust-6", 2_000, "personalize.profiling"));
        driver.consent("cust-6", "personalize", ConsentStatus.DENIED, 3_000);
        driver.send(contact("e-after", "cust-6", 4_000, "personalize.profiling"));

        List<TestRecord<byte[], byte[]>> out = driver.purpose("personalize.profiling");
        assertThat(out).extracting(r -> header(r, "consent-event-id")).containsExactly("e-before");
        assertThat(out).extracting(r -> header(r, "consent-decision")).containsExactly("permit");
        assertThat(out).extracting(r -> header(r, "consent-reasons")).containsExactly("LEGITIMATE_INTEREST");
        assertThat(out).extracting(r -> header(r, "consent-basis")).containsExactly("legitimate_interest");
        assertThat(driver.audits()).extracting(a -> a.getDecisions().get(0).getDecision() + ":" + a.getDecisions().get(0).getReasons())
                .containsExactly("PERMIT:[LEGITIMATE_INTEREST]", "DROP:[OBJECTION, CONSENT_INHERITED]");
        // The purpose never sees demographics.
        assertThat(fieldNames(driver.decode("crm.purpose.personalize.profiling", out.get(0).value())))
                .doesNotContain("birthDate", "gender").contains("email", "postalCode");
    }

    @Test
    void contractIsAlwaysPermittedMarkedWithItsBasisAndForwardedWithoutReEncoding() {
        byte[] sent = driver.send(contact("e-contract", "never-consented", 2_000, "essential.service"));

        List<TestRecord<byte[], byte[]>> out = driver.purpose("essential.service");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).value()).isEqualTo(sent);
        assertThat(header(out.get(0), "consent-decision")).isEqualTo("permit");
        assertThat(header(out.get(0), "consent-basis")).isEqualTo("contract");
        assertThat(header(out.get(0), "consent-reasons")).isEqualTo("CONTRACT");
    }

    @Test
    void optOutJurisdictionPermitsUntilTheCustomerOptsOutWhileOptInDoesNot() {
        driver.consent("ca-1", "analytics.reporting", ConsentStatus.GRANTED, 1_000, null, "US-CA");
        driver.consent("eu-1", "analytics.reporting", ConsentStatus.GRANTED, 1_000, null, "EU");

        driver.send(contact("e-ca-before", "ca-1", 2_000, "marketing.advertising"));
        driver.send(contact("e-eu", "eu-1", 2_000, "marketing.advertising"));
        driver.consent("ca-1", "marketing.advertising", ConsentStatus.DENIED, 3_000, null, "US-CA");
        driver.send(contact("e-ca-after", "ca-1", 4_000, "marketing.advertising"));

        assertThat(driver.purpose("marketing.advertising")).extracting(r -> header(r, "consent-event-id")).containsExactly("e-ca-before");
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).extracting(DecisionRecord::getJurisdiction).containsExactly("US-CA", "EU", "US-CA");
        assertThat(audits).extracting(a -> a.getDecisions().get(0).getDecision()).containsExactly(Decision.PERMIT, Decision.DROP, Decision.DROP);
        assertThat(audits).extracting(a -> a.getDecisions().get(0).getReasons())
                .containsExactly(List.of("OPT_OUT_NOT_EXERCISED"), List.of("NO_CONSENT"), List.of("OPTED_OUT"));
    }

    @Test
    void oneEventWithThreePurposesFansOutToThreeTopicsEachMinimizedItsOwnWay() {
        for (String purpose : List.of("analytics.reporting", "train_ai_system", "marketing.advertising")) {
            driver.consent("cust-8", purpose, ConsentStatus.GRANTED, 1_000);
        }

        byte[] sent = driver.send(LEAD_SCORES, "cust-8",
                leadScore("e-8", "cust-8", 2_000, "analytics.reporting", "train_ai_system", "marketing.advertising"), 2_000);

        assertThat(driver.purpose("analytics.reporting")).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(sent);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cust-8");
        });
        TestRecord<byte[], byte[]> trainingRecord = driver.purpose("train_ai_system").get(0);
        GenericRecord training = driver.decode("x", trainingRecord.value());
        // The model never learns who the customer is: not from a field, not from the key.
        assertThat(fieldNames(training)).containsExactly(
                "eventId", "occurredAt", "purposes", "pageViews30d", "emailOpens30d", "leadScore");
        assertThat(training.get("pageViews30d")).isEqualTo(42);
        assertThat(new String(trainingRecord.key(), StandardCharsets.UTF_8)).isEqualTo(HASH.hex("cust-8"));
        GenericRecord advertising = driver.decode("x", driver.purpose("marketing.advertising").get(0).value());
        assertThat(fieldNames(advertising)).containsExactly("eventId", "customerId", "occurredAt", "purposes", "email");
        List<DecisionRecord> audits = driver.audits();
        assertThat(audits).hasSize(1);
        assertThat(purposes(audits.get(0))).containsExactly("analytics.reporting", "train_ai_system", "marketing.advertising");
        assertThat(audits.get(0).getDecisions()).extracting(PurposeDecision::getDecision).containsOnly(Decision.PERMIT);
    }

    @Test
    void redactionHashesWithTheKeyRemovesAndGeneralizesAndLeavesNoRawPiiAnywhere() {
        driver.consent("cust-9", EMAIL, ConsentStatus.GRANTED, 1_000);

        driver.send(contact("e-9", "cust-9", 2_000, "analytics.reporting"));

        TestRecord<byte[], byte[]> record = driver.purpose("analytics.reporting").get(0);
        assertThat(header(record, "consent-decision")).isEqualTo("redact");
        assertThat(header(record, "consent-reasons")).isEqualTo("NO_CONSENT");
        GenericRecord value = driver.decode("x", record.value());
        assertThat(fieldNames(value)).containsExactly(
                "eventId", "customerId", "occurredAt", "purposes", "email", "phone", "postalCode", "country", "birthDate");
        assertThat(value.get("customerId").toString()).isEqualTo(HASH.hex("cust-9"));
        assertThat(value.get("email").toString()).isEqualTo(HASH.hex("jane.doe@example.com"));
        assertThat(value.get("phone").toString()).isEqualTo(HASH.hex("+44 20 7946 0958"));
        assertThat(value.get("country").toString()).isEqualTo(HASH.hex("GB"));
        assertThat(value.get("postalCode").toString()).isEqualTo("941");
        assertThat(value.get("birthDate").toString()).isEqualTo("1987");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(HASH.hex("cust-9"));

        String everything = new String(record.key(), StandardCharsets.ISO_8859_1) + new String(record.value(), StandardCharsets.ISO_8859_1)
                + record.headers().toString() + value.getSchema().toString();
        assertThat(everything).doesNotContain("jane.doe@example.com", "Jane", "Doe", "94107", "cust-9", "female", "7946");
        assertThat(driver.audits().get(0).getDecisions().get(0).getFields()).containsExactly(
                new FieldTreatment("birthDate", "user.demographic.date_of_birth", "generalize"),
                new FieldTreatment("country", "user.contact.address.country", "hash"),
                new FieldTreatment("customerId", "user.unique_id", "hash"),
                new FieldTreatment("email", "user.contact.email", "hash"),
                new FieldTreatment("firstName", "user.name", "remove"),
                new FieldTreatment("gender", "user.demographic.gender", "remove"),
                new FieldTreatment("lastName", "user.name", "remove"),
                new FieldTreatment("lifecycleStage", "user.behavior", "remove"),
                new FieldTreatment("phone", "user.contact.phone_number", "hash"),
                new FieldTreatment("postalCode", "user.contact.address.postal_code", "generalize"));
    }

    @Test
    void shadowModeDropsNothingButMinimizesEveryRecordAsEnforcementWould() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy().replace("mode: enforce", "mode: shadow"));

        driver.send(contact("e-10", "nobody", 2_000, EMAIL, "analytics.reporting"));

        TestRecord<byte[], byte[]> email = driver.purpose(EMAIL).get(0);
        assertThat(fieldNames(driver.decode("x", email.value()))).containsExactly(
                "eventId", "customerId", "occurredAt", "purposes", "email", "firstName", "lastName");
        assertThat(header(email, "consent-decision")).isEqualTo("drop");
        assertThat(header(email, "consent-reasons")).isEqualTo("UNKNOWN_CUSTOMER");
        assertThat(header(email, "consent-mode")).isEqualTo("shadow");
        TestRecord<byte[], byte[]> analytics = driver.purpose("analytics.reporting").get(0);
        GenericRecord pseudonymized = driver.decode("x", analytics.value());
        assertThat(pseudonymized.get("email").toString()).isEqualTo(HASH.hex("jane.doe@example.com"));
        assertThat(new String(analytics.key(), StandardCharsets.UTF_8)).isEqualTo(HASH.hex("nobody"));
        assertThat(header(analytics, "consent-decision")).isEqualTo("redact");
        DecisionRecord audit = driver.audits().get(0);
        assertThat(audit.getEnforcementMode()).isEqualTo("shadow");
        assertThat(audit.getDecisions()).extracting(PurposeDecision::getDecision).containsExactly(Decision.DROP, Decision.REDACT);
        assertThat(audit.getDecisions().get(0).getFields()).extracting(FieldTreatment::getField)
                .containsExactly("birthDate", "country", "gender", "lifecycleStage", "phone", "postalCode");
    }

    @Test
    void eventsKeyedByAnotherIdAreRepartitionedToTheirCustomersConsentAndKeyedByTheCustomerId() {
        driver.consent("cust-r", EMAIL, ConsentStatus.GRANTED, 1_000);

        driver.send(ENGAGEMENT, "campaign-key-77", engagement("e-r", "cust-r", 2_000, EMAIL), 2_000);

        TestRecord<byte[], byte[]> record = driver.purpose(EMAIL).get(0);
        assertThat(header(record, "consent-decision")).isEqualTo("permit");
        // The input key is never copied: the output key is the customer id the purpose may see.
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cust-r");
        assertThat(driver.audits()).singleElement().satisfies(a -> assertThat(a.getInputTopic()).isEqualTo(ENGAGEMENT));
    }

    @Test
    void consentHeadersFromUpstreamAreNotTrusted() {
        driver.consent("cust-h", EMAIL, ConsentStatus.GRANTED, 1_000);
        byte[] value = driver.encode(CONTACTS, contact("e-h", "cust-h", 2_000, EMAIL));

        driver.sendRawWithHeader(CONTACTS, "cust-h", value, "consent-decision", "permit-everything");

        assertThat(driver.purpose(EMAIL)).singleElement().satisfies(r -> {
            assertThat(header(r, "consent-decision")).isEqualTo("permit");
            assertThat(r.headers().headers("consent-decision")).hasSize(1);
        });
    }
}
