package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.fieldNames;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.DeterministicAead;
import dev.consentgate.client.DataKeys;
import dev.consentgate.client.EncryptedFields;
import dev.consentgate.client.FieldCipher;
import dev.consentgate.client.KeysetKek;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding: fields encrypted under their customer's data key reach the purpose, the key reaches the key topic, and
 * an erasure destroys it, so what was delivered before can no longer be read.
 */
class CryptoShreddingTest {

    private static final String POLICY = """
            version: "shred-1"
            output_topic_prefix: crm.purpose.
            purposes:
              marketing:
                basis: consent
                allow_categories: [user.contact, system.operations]
                encrypt_categories: [user.contact.email, user.contact.phone_number]
              analytics:
                basis: consent
                on_missing_consent: redact
                allow_categories: [user, system]
                redact: { user.contact.email: encrypt }
            inputs:
              - topic: crm.contacts
                customer_id: { field: customerId }
                purposes: { field: purposes }
                event_time: { field: occurredAt }
                event_id: { field: eventId }
                keyed_by_customer_id: true
            """;
    private static final String KEYS = "consent.keys";
    private static final KeyedHash KEY = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8));
    /** The data-key reference: under the state key (by default the HMAC key), apart from the pseudonym. */
    private static final String SUBJECT = KEY.hex(EncryptedFields.DATA_KEY_REFERENCE_PREFIX + "c-1");
    /** Fields of a broader category than an encrypted one, and one nobody categorized. */
    private static final Schema LEAD = new Schema.Parser().parse("""
            {"type": "record", "name": "Lead", "namespace": "test", "fields": [
              {"name": "eventId", "type": "string", "data_category": "system.operations"},
              {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
              {"name": "occurredAt", "type": "long", "data_category": "system.operations"},
              {"name": "purposes", "type": {"type": "array", "items": "string"}, "data_category": "system.operations"},
              {"name": "contact", "type": "string", "data_category": "user.contact"},
              {"name": "note", "type": "string"}]}
            """);
    private static final long T0 = 1_767_225_600_000L;

    private KeysetKek kek;
    private EnforcementDriver driver;

    @BeforeEach
    void start() {
        String json = KeysetKek.generate();
        kek = KeysetKek.fromJson(json, "test");
        driver = new EnforcementDriver(POLICY, Map.of(ConsentGateConfig.KEK, json));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void encryptedFieldsOpenWithTheCustomersDataKeyAndNothingElse() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1, "marketing"));

        TestRecord<byte[], byte[]> delivered = only(driver.purpose("marketing"));
        GenericRecord record = driver.decode("crm.purpose.marketing", delivered.value());
        assertThat(fieldNames(record)).containsExactly("eventId", "occurredAt", "purposes", "email", "phone", "postalCode", "country");
        assertThat(header(delivered, EncryptedFields.SUBJECT_HEADER)).isEqualTo(SUBJECT);
        assertThat(record.get("email").toString()).isNotEqualTo("jane.doe@example.com").doesNotContain("jane");
        assertThat(record.get("postalCode").toString()).isEqualTo("94107");

        TestRecord<byte[], byte[]> keyRecord = only(driver.records(KEYS));
        assertThat(new String(keyRecord.key(), StandardCharsets.UTF_8)).isEqualTo(SUBJECT);
        DeterministicAead key = new DataKeys(kek).unwrap(keyRecord.value(), SUBJECT);
        assertThat(FieldCipher.decrypt(key, "crm.purpose.marketing", "email", record.get("email").toString()))
                .isEqualTo("jane.doe@example.com");
        assertThat(FieldCipher.decrypt(key, "crm.purpose.marketing", "phone", record.get("phone").toString()))
                .isEqualTo("+44 20 7946 0958");
        // Moved to another field, the ciphertext does not open: it cannot be passed off as another value.
        assertThatThrownBy(() -> FieldCipher.decrypt(key, "crm.purpose.marketing", "phone", record.get("email").toString()))
                .hasMessage("field phone of topic crm.purpose.marketing does not decrypt with its customer's data key: it was changed, "
                        + "moved from another field or topic, or is not encrypted");
        // Another customer's pseudonym does not open this customer's wrapped key.
        assertThatThrownBy(() -> new DataKeys(kek).unwrap(keyRecord.value(), "someone-else"))
                .isInstanceOf(IllegalArgumentException.class);

        DecisionRecord audit = only(driver.audits());
        assertThat(audit.getDecisions().get(0).getFields()).extracting(FieldTreatment::getField, FieldTreatment::getAction)
                .contains(org.assertj.core.groups.Tuple.tuple("email", "encrypt"), org.assertj.core.groups.Tuple.tuple("phone", "encrypt"));
    }

    @Test
    void oneKeyPerCustomerAndTheSameValueEncryptsTheSameWithinATopicButNotAcrossTopics() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1, "marketing", "analytics"));
        driver.send(contact("e-2", "c-1", T0 + 2, "marketing"));

        List<TestRecord<byte[], byte[]>> marketing = driver.purpose("marketing");
        String first = email("crm.purpose.marketing", marketing.get(0));
        assertThat(email("crm.purpose.marketing", marketing.get(1))).isEqualTo(first);
        // analytics has no consent: redacted, its email encrypted under the same key but bound to its own topic.
        String analytics = email("crm.purpose.analytics", only(driver.purpose("analytics")));
        assertThat(analytics).isNotEqualTo(first);
        assertThat(driver.records(KEYS)).hasSize(1);
    }

    @Test
    void erasureDestroysTheDataKeyAndANewKeyDoesNotOpenWhatCameBefore() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1, "marketing"));
        String before = email("crm.purpose.marketing", only(driver.purpose("marketing")));
        byte[] firstKey = only(driver.records(KEYS)).value();

        driver.erasure("c-1", T0 + 10);
        TestRecord<byte[], byte[]> tombstone = only(driver.records(KEYS));
        assertThat(new String(tombstone.key(), StandardCharsets.UTF_8)).isEqualTo(SUBJECT);
        assertThat(tombstone.value()).isNull();

        // The customer comes back and consents again: a new key, which does not open the fields sent before the erasure.
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0 + 20);
        driver.send(contact("e-2", "c-1", T0 + 21, "marketing"));
        String after = email("crm.purpose.marketing", only(driver.purpose("marketing")));
        byte[] secondKey = only(driver.records(KEYS)).value();
        assertThat(secondKey).isNotEqualTo(firstKey);
        DeterministicAead newKey = new DataKeys(kek).unwrap(secondKey, SUBJECT);
        assertThat(FieldCipher.decrypt(newKey, "crm.purpose.marketing", "email", after)).isEqualTo("jane.doe@example.com");
        assertThatThrownBy(() -> FieldCipher.decrypt(newKey, "crm.purpose.marketing", "email", before))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFieldOfABroaderCategoryOrOfNoneIsEncryptedToo() {
        try (EnforcementDriver leads = new EnforcementDriver(POLICY.replace("encrypt_categories: [user.contact.email, user.contact.phone_number]",
                "encrypt_categories: [user.contact.email]\n    allow_categories: [user, system]").replace(
                "    allow_categories: [user.contact, system.operations]\n", ""), Map.of(ConsentGateConfig.KEK, KeysetKek.generate()))) {
            leads.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
            leads.sendRaw(CONTACTS, "c-1", leads.encodeGeneric(CONTACTS, lead("c-1")));

            TestRecord<byte[], byte[]> delivered = only(leads.purpose("marketing"));
            GenericRecord record = leads.decode("crm.purpose.marketing", delivered.value());
            // "contact" (user.contact) may hold the email; "note" counts as user, which covers it: neither may pass in the clear.
            assertThat(record.get("contact").toString()).doesNotContain("jane");
            assertThat(record.get("note").toString()).doesNotContain("jane");
            assertThat(record.get("customerId").toString()).isEqualTo("c-1");
            assertThat(record.getSchema().getField("contact").getProp(EncryptedFields.ACTION_PROPERTY)).isEqualTo("encrypt");
            assertThat(record.getSchema().getField("note").getProp(EncryptedFields.ACTION_PROPERTY)).isEqualTo("encrypt");
        }
    }

    @Test
    void nestedFieldsAreEncryptedUnderTheirDottedPathAndANestedUncategorizedCopyToo() {
        Schema nested = new Schema.Parser().parse("""
                {"type": "record", "name": "NestedLead", "namespace": "test", "fields": [
                  {"name": "eventId", "type": "string", "data_category": "system.operations"},
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "occurredAt", "type": "long", "data_category": "system.operations"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}, "data_category": "system.operations"},
                  {"name": "profile", "type": {"type": "record", "name": "Profile", "fields": [
                    {"name": "email", "type": "string", "data_category": "user.contact.email"},
                    {"name": "copy", "type": "string"}]}}]}
                """);
        String json = KeysetKek.generate();
        try (EnforcementDriver leads = new EnforcementDriver(POLICY.replace("encrypt_categories: [user.contact.email, user.contact.phone_number]",
                "encrypt_categories: [user.contact.email]\n    allow_categories: [user, system]").replace(
                "    allow_categories: [user.contact, system.operations]\n", ""), Map.of(ConsentGateConfig.KEK, json))) {
            GenericRecord profile = new GenericData.Record(nested.getField("profile").schema());
            profile.put("email", "jane.doe@example.com");
            profile.put("copy", "jane.doe@example.com");
            GenericRecord lead = new GenericData.Record(nested);
            lead.put("eventId", "lead-1");
            lead.put("customerId", "c-1");
            lead.put("occurredAt", T0 + 1);
            lead.put("purposes", List.of("marketing"));
            lead.put("profile", profile);
            leads.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
            leads.sendRaw(CONTACTS, "c-1", leads.encodeGeneric(CONTACTS, lead));

            GenericRecord delivered = (GenericRecord) leads.decode("crm.purpose.marketing", only(leads.purpose("marketing")).value())
                    .get("profile");
            DeterministicAead key = new DataKeys(KeysetKek.fromJson(json, "test")).unwrap(only(leads.records(KEYS)).value(), SUBJECT);
            // Neither the categorized email nor its uncategorized copy one level down reaches the purpose in the clear.
            assertThat(delivered.get("email").toString()).doesNotContain("jane");
            assertThat(delivered.get("copy").toString()).doesNotContain("jane");
            assertThat(FieldCipher.decrypt(key, "crm.purpose.marketing", "profile.email", delivered.get("email").toString()))
                    .isEqualTo("jane.doe@example.com");
            assertThat(FieldCipher.decrypt(key, "crm.purpose.marketing", "profile.copy", delivered.get("copy").toString()))
                    .isEqualTo("jane.doe@example.com");
            // The path is bound in: the nested ciphertext does not open as a top-level field of the same name.
            assertThatThrownBy(() -> FieldCipher.decrypt(key, "crm.purpose.marketing", "email", delivered.get("email").toString()))
                    .hasMessageStartingWith("field email of topic crm.purpose.marketing does not decrypt with its customer's data key");
        }
    }

    @Test
    void anEncryptedCustomerIdNeverComesBackAsTheRecordKey() {
        try (EnforcementDriver ids = new EnforcementDriver(POLICY.replace("encrypt_categories: [user.contact.email, user.contact.phone_number]",
                "encrypt_categories: [user.unique_id]\n    allow_categories: [user.unique_id, system]").replace(
                "    allow_categories: [user.contact, system.operations]\n", ""), Map.of(ConsentGateConfig.KEK, KeysetKek.generate()))) {
            ids.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
            ids.send(contact("e-1", "c-1", T0 + 1, "marketing"));

            TestRecord<byte[], byte[]> delivered = only(ids.purpose("marketing"));
            assertThat(new String(delivered.key(), StandardCharsets.UTF_8)).isEqualTo(KEY.hex("c-1"));
            assertThat(ids.decode("crm.purpose.marketing", delivered.value()).get("customerId").toString()).isNotEqualTo("c-1");
            // The header names the data key, and is no pseudonym found in other topics' keys or the audit records.
            assertThat(header(delivered, EncryptedFields.SUBJECT_HEADER)).isEqualTo(SUBJECT).isNotEqualTo(KEY.hex("c-1"));
        }
    }

    @Test
    void shadowModeForwardsAnErasedCustomersRecordUnreadableAndMakesThemNoKeyAgain() {
        try (EnforcementDriver shadow = new EnforcementDriver(POLICY.replace("version: \"shred-1\"",
                "version: \"shred-1\"\nenforcement: { mode: shadow }"), Map.of(ConsentGateConfig.KEK, KeysetKek.generate()))) {
            shadow.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
            shadow.send(contact("e-1", "c-1", T0 + 1, "marketing"));
            shadow.erasure("c-1", T0 + 10);
            shadow.send(contact("e-2", "c-1", T0 + 20, "marketing"));

            List<TestRecord<byte[], byte[]>> delivered = shadow.purpose("marketing");
            assertThat(delivered).hasSize(2);
            TestRecord<byte[], byte[]> wouldDrop = delivered.get(1);
            assertThat(header(wouldDrop, "consent-decision")).isEqualTo("drop");
            assertThat(header(wouldDrop, EncryptedFields.SUBJECT_HEADER)).isNull();
            assertThat(shadow.decode("crm.purpose.marketing", wouldDrop.value()).get("email").toString()).doesNotContain("jane");
            // The key made for e-1, then its tombstone: no key again after the erasure.
            assertThat(shadow.records(KEYS)).extracting(r -> r.value() == null).containsExactly(false, true);
        }
    }

    private static GenericRecord lead(String customerId) {
        GenericRecord lead = new GenericData.Record(LEAD);
        lead.put("eventId", "lead-1");
        lead.put("customerId", customerId);
        lead.put("occurredAt", T0 + 1);
        lead.put("purposes", List.of("marketing"));
        lead.put("contact", "jane.doe@example.com");
        lead.put("note", "call jane.doe@example.com after 5");
        return lead;
    }

    @Test
    void anErasureOfACustomerWithoutAKeyWritesNothingToTheKeyTopic() {
        driver.erasure("c-2", T0);
        assertThat(driver.records(KEYS)).isEmpty();
    }

    /**
     * The tombstone carries the request's Kafka timestamp, not its capture time: brokers refuse a timestamp more than
     * {@code log.message.timestamp.after.max.ms} ahead of their clock, and a refused write would fail the task on every retry.
     */
    @Test
    void theTombstoneOfAnErasureDatedAheadCarriesTheRequestsKafkaTimestamp() {
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, T0);
        driver.send(contact("e-1", "c-1", T0 + 1, "marketing"));
        assertThat(driver.records(KEYS)).hasSize(1);

        driver.send("consent.events", "c-1", EnforcementDriver.erasureEvent("c-1", T0 + 2 * 3_600_000), T0 + 10);

        TestRecord<byte[], byte[]> tombstone = only(driver.records(KEYS));
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.timestamp()).isEqualTo(T0 + 10);
    }

    @Test
    void aPolicyThatEncryptsStopsTheStartWithoutAKeyEncryptionKey() {
        assertThatThrownBy(() -> new EnforcementDriver(POLICY, Map.of()).close())
                .isInstanceOf(ConfigException.class)
                .hasMessage("the policy encrypts fields (encrypt in redact, or encrypt_categories) but no key-encryption key is configured: "
                        + "set consentgate.keys.kek");
    }

    @Test
    void aKeyThatIsNoKeysetStopsTheStartNamingTheSettingNotItsValue() {
        assertThatThrownBy(() -> new EnforcementDriver(POLICY, Map.of(ConsentGateConfig.KEK, "secret-looking-text")).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("consentgate.keys.kek does not hold a Tink AEAD keyset in JSON")
                .hasMessageNotContaining("secret-looking-text");
    }

    private String email(String topic, TestRecord<byte[], byte[]> record) {
        return driver.decode(topic, record.value()).get("email").toString();
    }

    private static <T> T only(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
