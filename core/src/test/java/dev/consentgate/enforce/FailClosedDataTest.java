package dev.consentgate.enforce;

import dev.consentgate.output.FieldCategories;
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

import dev.consentgate.policy.DataCategory;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attempts to make personal data reach a purpose that may not see it: a field nobody categorized, a nested copy, a
 * broader category, the record key, a header, a purpose the input may not declare, shadow mode, a second topic with
 * the same schema. Each must fail closed.
 */
class FailClosedDataTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final KeyedHash HASH = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8));

    /** Nested records, a record type used twice, a field of a broader category, and fields nobody categorized. */
    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type": "record", "name": "Order", "namespace": "test", "fields": [
              {"name": "eventId", "type": "string"},
              {"name": "occurredAt", "type": "long"},
              {"name": "purposes", "type": {"type": "array", "items": "string"}},
              {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
                {"name": "id", "type": "string"},
                {"name": "email", "type": "string", "data_category": "user.contact.email"},
                {"name": "contact", "type": "string", "data_category": "user.contact"},
                {"name": "note", "type": "string"}]}},
              {"name": "shipping", "type": ["null", {"type": "record", "name": "Address", "fields": [
                {"name": "zip", "type": "string"},
                {"name": "street", "type": "string"}]}], "default": null},
              {"name": "billing", "type": "Address", "data_category": "user.contact.address"},
              {"name": "status", "type": "string", "data_category": "system.operations"}]}
            """);

    private static final String ORDER_POLICY = """
            version: "orders-1"
            purposes:
              marketing:
                basis: consent
                allow_categories: [user.contact.email, system.operations]
              analytics:
                basis: consent
                on_missing_consent: redact
                allow_categories: [user, system]
                redact: { user.contact.address.postal_code: generalize, user.contact.email: hash }
              support:
                basis: contract
                allow_categories: [user, system]
                deny_categories: [user.contact.email]
            inputs:
              - topic: crm.orders
                customer_id: { field: customer.id }
                purposes: { field: purposes }
                event_time: { field: occurredAt }
                event_id: { field: eventId }
                categories:
                  customer.id: user.unique_id
                  shipping.zip: user.contact.address.postal_code
                  missing.path: user.name
            """;

    private EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    private static String key(TestRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }

    private static List<String> headerNames(TestRecord<byte[], byte[]> record) {
        List<String> names = new ArrayList<>();
        for (Header header : record.headers()) {
            names.add(header.key());
        }
        return names;
    }

    private static FieldTreatment field(String path, String category, String action) {
        return new FieldTreatment(path, category, action);
    }

    private static GenericRecord order(String eventId, String customerId, String... purposes) {
        Schema address = ORDER.getField("billing").schema();
        GenericData.Record customer = new GenericData.Record(ORDER.getField("customer").schema());
        customer.put("id", customerId);
        customer.put("email", "jane.doe@example.com");
        customer.put("contact", "jane.work@example.com");
        customer.put("note", "prefers evening calls, national id 1234");
        GenericData.Record shipping = new GenericData.Record(address);
        shipping.put("zip", "94107");
        shipping.put("street", "1 Market St");
        GenericData.Record billing = new GenericData.Record(address);
        billing.put("zip", "10115");
        billing.put("street", "Unter den Linden 1");
        GenericData.Record order = new GenericData.Record(ORDER);
        order.put("eventId", eventId);
        order.put("occurredAt", 2_000L);
        order.put("purposes", List.of(purposes));
        order.put("customer", customer);
        order.put("shipping", shipping);
        order.put("billing", billing);
        order.put("status", "shipped");
        return order;
    }

    @Test
    void aFieldAddedBySchemaEvolutionWithoutACategoryReachesOnlyPurposesThatAllowUser() {
        driver.consent("cust-5", EMAIL, ConsentStatus.GRANTED, 1_000);
        ContactUpdated v1 = contact("e-5", "cust-5", 2_000, EMAIL, "analytics.reporting", "personalize.profiling", "essential.service");
        Schema v2 = withNationalId(ContactUpdated.getClassSchema());
        GenericData.Record evolved = new GenericData.Record(v2);
        v1.getSchema().getFields().forEach(f -> evolved.put(f.name(), v1.get(f.pos())));
        evolved.put("birthDate", 6_281);
        evolved.put("occurredAt", 2_000L);
        evolved.put("nationalId", "AB123456C");

        driver.sendRaw(CONTACTS, "cust-5", driver.encodeGeneric(CONTACTS, evolved));

        assertThat(fieldNames(driver.decode("x", driver.purpose(EMAIL).get(0).value())))
                .containsExactly("eventId", "customerId", "occurredAt", "purposes", "email", "firstName", "lastName");
        GenericRecord pseudonymized = driver.decode("x", driver.purpose("analytics.reporting").get(0).value());
        assertThat(fieldNames(pseudonymized)).doesNotContain("nationalId");
        // user.demographic is denied, so "user", which may hold it, is removed too.
        assertThat(fieldNames(driver.decode("x", driver.purpose("personalize.profiling").get(0).value()))).doesNotContain("nationalId");
        assertThat(driver.decode("x", driver.purpose("essential.service").get(0).value()).get("nationalId").toString()).isEqualTo("AB123456C");
        List<PurposeDecision> decisions = driver.audits().get(0).getDecisions();
        assertThat(decisions.get(0).getFields()).contains(field("nationalId", "user", "remove"));
        assertThat(decisions.get(1).getDecision()).isEqualTo(Decision.REDACT);
        assertThat(decisions.get(1).getFields()).contains(field("nationalId", "user", "remove"));
        assertThat(decisions.get(2).getFields()).contains(field("nationalId", "user", "remove"));
        assertThat(decisions.get(3).getFields()).isEmpty();
    }

    private static Schema withNationalId(Schema v1) {
        List<Schema.Field> fields = new ArrayList<>();
        v1.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("nationalId", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Added later, categorized by nobody", JsonProperties.NULL_VALUE));
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    @Test
    void trainingNeverSeesTheDeviceTheContactOrTheCustomerId() {
        driver.consent("cust-t", "train_ai_system", ConsentStatus.GRANTED, 1_000);

        driver.send(ENGAGEMENT, "campaign-1", engagement("e-t", "cust-t", 2_000, "train_ai_system"), 2_000);

        TestRecord<byte[], byte[]> record = driver.purpose("train_ai_system").get(0);
        GenericRecord training = driver.decode("x", record.value());
        assertThat(fieldNames(training)).containsExactly("eventId", "occurredAt", "purposes", "campaignId", "action");
        assertThat(key(record)).isEqualTo(HASH.hex("cust-t"));
        assertThat(driver.audits().get(0).getDecisions().get(0).getFields()).containsExactly(
                field("customerId", "user.unique_id", "remove"),
                field("email", "user.contact.email", "remove"),
                field("ipAddress", "user.device.ip_address", "remove"),
                field("userAgent", "user.device", "remove"));
    }

    @Test
    void nestedFieldsAreMinimizedAtEveryDepthByTheirOwnTheirParentsOrTheUserCategory() {
        driver.close();
        driver = new EnforcementDriver(ORDER_POLICY);
        driver.consent("c-1", "marketing", ConsentStatus.GRANTED, 1_000);

        driver.sendRaw("crm.orders", "order-77", driver.encodeGeneric("crm.orders", order("o-1", "c-1", "marketing", "analytics", "support")));

        TestRecord<byte[], byte[]> marketingRecord = driver.purpose("marketing").get(0);
        GenericRecord marketing = driver.decode("x", marketingRecord.value());
        assertThat(fieldNames(marketing)).containsExactly("eventId", "occurredAt", "purposes", "customer", "status");
        assertThat(fieldNames((GenericRecord) marketing.get("customer"))).containsExactly("email");
        assertThat(key(marketingRecord)).isEqualTo(HASH.hex("c-1"));

        TestRecord<byte[], byte[]> analyticsRecord = driver.purpose("analytics").get(0);
        GenericRecord analytics = driver.decode("x", analyticsRecord.value());
        assertThat(fieldNames(analytics)).containsExactly("eventId", "occurredAt", "purposes", "customer", "shipping", "status");
        assertThat(((GenericRecord) analytics.get("customer")).get("email").toString()).isEqualTo(HASH.hex("jane.doe@example.com"));
        assertThat(fieldNames((GenericRecord) analytics.get("customer"))).containsExactly("email");
        GenericRecord shipping = (GenericRecord) analytics.get("shipping");
        assertThat(fieldNames(shipping)).containsExactly("zip");
        assertThat(shipping.get("zip").toString()).isEqualTo("941");
        // Address is used twice in the input: its minimized copy needs a name of its own.
        assertThat(shipping.getSchema().getFullName()).isEqualTo("test.Address_shipping");
        assertThat(key(analyticsRecord)).isEqualTo(HASH.hex("c-1"));

        TestRecord<byte[], byte[]> supportRecord = driver.purpose("support").get(0);
        GenericRecord support = driver.decode("x", supportRecord.value());
        assertThat(fieldNames(support)).containsExactly("eventId", "occurredAt", "purposes", "customer", "shipping", "billing", "status");
        assertThat(fieldNames((GenericRecord) support.get("customer"))).containsExactly("id");
        assertThat(fieldNames((GenericRecord) support.get("shipping"))).containsExactly("zip");
        assertThat(fieldNames((GenericRecord) support.get("billing"))).containsExactly("zip", "street");
        assertThat(((GenericRecord) support.get("billing")).getSchema().getFullName()).isEqualTo("test.Address");
        assertThat(key(supportRecord)).isEqualTo("c-1");

        DecisionRecord audit = driver.audits().get(0);
        assertThat(audit.getDecisions()).extracting(PurposeDecision::getDecision)
                .containsExactly(Decision.PERMIT, Decision.REDACT, Decision.PERMIT);
        assertThat(audit.getDecisions().get(0).getFields()).containsExactly(
                field("billing.street", "user.contact.address", "remove"),
                field("billing.zip", "user.contact.address", "remove"),
                field("customer.contact", "user.contact", "remove"),
                field("customer.id", "user.unique_id", "remove"),
                field("customer.note", "user", "remove"),
                field("shipping.street", "user", "remove"),
                field("shipping.zip", "user.contact.address.postal_code", "remove"));
        assertThat(audit.getDecisions().get(1).getFields()).containsExactly(
                field("billing.street", "user.contact.address", "remove"),
                field("billing.zip", "user.contact.address", "remove"),
                field("customer.contact", "user.contact", "remove"),
                field("customer.email", "user.contact.email", "hash"),
                field("customer.id", "user.unique_id", "remove"),
                field("customer.note", "user", "remove"),
                field("shipping.street", "user", "remove"),
                field("shipping.zip", "user.contact.address.postal_code", "generalize"));
        // Denying user.contact.email also removes the broader user.contact and the uncategorized (user) fields.
        assertThat(audit.getDecisions().get(2).getFields()).containsExactly(
                field("customer.contact", "user.contact", "remove"),
                field("customer.email", "user.contact.email", "remove"),
                field("customer.note", "user", "remove"),
                field("shipping.street", "user", "remove"));

        String everything = new String(marketingRecord.value(), StandardCharsets.ISO_8859_1)
                + new String(analyticsRecord.value(), StandardCharsets.ISO_8859_1);
        assertThat(everything).doesNotContain("national id", "1 Market St", "94107", "10115", "jane.work", "c-1");
    }

    @Test
    void aCategoryPathThatNamesNoFieldIsReported() {
        Policy policy = PolicyParser.parse("p.yaml", ORDER_POLICY.getBytes(StandardCharsets.UTF_8));

        FieldCategories categories = FieldCategories.of(ORDER, policy.input("crm.orders").orElseThrow());

        assertThat(categories.unmatchedPaths()).containsExactly("missing.path");
        assertThat(categories.customerId()).isEqualTo(DataCategory.of("user.unique_id"));
        assertThat(categories.byPath()).containsOnlyKeys("customer.id", "customer.email", "customer.contact", "customer.note",
                "shipping.zip", "shipping.street", "billing.zip", "billing.street", "status");
    }

    @Test
    void onlyListedInputHeadersReachAPurposeAndNoneReachAPseudonymizedRecord() {
        driver.consent("cust-h", EMAIL, ConsentStatus.GRANTED, 1_000);
        byte[] value = driver.encode(CONTACTS, contact("e-h", "cust-h", 2_000, EMAIL, "analytics.reporting"));

        driver.sendRawWithHeaders(CONTACTS, "cust-h", value, 2_000,
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "x-crm-user-email", "jane.doe@example.com",
                "consent-decision", "permit");

        TestRecord<byte[], byte[]> email = driver.purpose(EMAIL).get(0);
        assertThat(headerNames(email)).containsExactly("traceparent", "consent-decision", "consent-basis", "consent-reasons",
                "consent-policy-version", "consent-event-id", "consent-mode");
        assertThat(header(email, "consent-decision")).isEqualTo("permit");
        assertThat(key(email)).isEqualTo("cust-h");
        TestRecord<byte[], byte[]> analytics = driver.purpose("analytics.reporting").get(0);
        assertThat(headerNames(analytics)).containsExactly("consent-decision", "consent-basis", "consent-reasons",
                "consent-policy-version", "consent-event-id", "consent-mode", "consent-pseudonym-key-id", "consent-field-hash-key-id");
    }

    @Test
    void aPurposeTheInputMayNotDeclareDropsWhateverItsBasis() {
        driver.send(LEAD_SCORES, "cust-l", leadScore("e-l", "cust-l", 2_000, "essential.service.lead_scoring"), 2_000);

        assertThat(driver.purpose("essential.service")).isEmpty();
        PurposeDecision decision = driver.audits().get(0).getDecisions().get(0);
        assertThat(decision.getPurpose()).isEqualTo("essential.service.lead_scoring");
        assertThat(decision.getRule()).isEqualTo("essential.service");
        assertThat(decision.getDecision()).isEqualTo(Decision.DROP);
        assertThat(decision.getReasons()).containsExactly("PURPOSE_NOT_ALLOWED_FOR_INPUT");
        assertThat(decision.getOutputTopic()).isNull();
    }

    @Test
    void shadowModeForwardsWhatEnforcementWouldDropStillMinimizedWithTheKeyHashed() {
        driver.close();
        driver = new EnforcementDriver(EnforcementDriver.examplePolicy().replace("mode: enforce", "mode: shadow"));

        driver.send(ENGAGEMENT, "campaign-1", engagement("e-s", "stranger", 2_000, "train_ai_system"), 2_000);

        TestRecord<byte[], byte[]> record = driver.purpose("train_ai_system").get(0);
        assertThat(header(record, "consent-decision")).isEqualTo("drop");
        assertThat(header(record, "consent-reasons")).isEqualTo("UNKNOWN_CUSTOMER");
        assertThat(fieldNames(driver.decode("x", record.value()))).containsExactly("eventId", "occurredAt", "purposes", "campaignId", "action");
        assertThat(key(record)).isEqualTo(HASH.hex("stranger"));
    }

    @Test
    void twoTopicsSharingOneSchemaAreEachMinimizedByTheirOwnMapping() {
        driver.close();
        driver = new EnforcementDriver("""
                version: "shared-schema-1"
                purposes:
                  service:
                    basis: contract
                    allow_categories: [system.operations, user.unique_id]
                inputs:
                  - topic: crm.activity
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: eventId }
                  - topic: crm.engagement
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: eventId }
                    categories: { userAgent: system.operations }
                """);
        Map<String, String> sent = Map.of("crm.engagement", "e-1", "crm.activity", "e-2");
        for (String topic : List.of("crm.engagement", "crm.activity")) {
            String eventId = sent.get(topic);
            GenericRecord value = engagement(eventId, "cust-s", 2_000, "service");
            driver.sendRaw(topic, "cust-s", driver.encodeGeneric(topic, value));
        }

        List<TestRecord<byte[], byte[]>> out = driver.purpose("service");
        assertThat(out).extracting(r -> header(r, "consent-event-id")).containsExactly("e-1", "e-2");
        assertThat(fieldNames(driver.decode("x", out.get(0).value())))
                .containsExactly("eventId", "customerId", "occurredAt", "purposes", "campaignId", "userAgent");
        assertThat(fieldNames(driver.decode("x", out.get(1).value())))
                .containsExactly("eventId", "customerId", "occurredAt", "purposes", "campaignId");
        assertThat(driver.audits().get(1).getDecisions().get(0).getFields()).contains(field("userAgent", "user.device", "remove"));
    }

    /** An envelope field passes to every purpose and into headers: it may only hold a scalar, never a record of data. */
    @Test
    void anEnvelopeFieldHoldingARecordIsDeadLetteredNotPassedToEveryPurpose() {
        driver.close();
        driver = new EnforcementDriver("""
                version: "envelope-record-1"
                purposes:
                  train:
                    basis: contract
                    allow_categories: [user.behavior, system.operations]
                inputs:
                  - topic: crm.visits
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: ref }
                """);
        Schema visit = new Schema.Parser().parse("""
                {"type": "record", "name": "Visit", "namespace": "test", "fields": [
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "occurredAt", "type": "long"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}},
                  {"name": "ref", "type": {"type": "record", "name": "Ref", "fields": [
                    {"name": "email", "type": "string", "data_category": "user.contact.email"}]}},
                  {"name": "page", "type": "string", "data_category": "user.behavior"}]}
                """);
        GenericData.Record ref = new GenericData.Record(visit.getField("ref").schema());
        ref.put("email", "jane@example.com");
        GenericData.Record value = new GenericData.Record(visit);
        value.put("customerId", "cust-r");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("train"));
        value.put("ref", ref);
        value.put("page", "/pricing");

        driver.sendRaw("crm.visits", "cust-r", driver.encodeGeneric("crm.visits", value));

        assertThat(driver.purpose("train")).isEmpty();
        assertThat(driver.records("consent.dlq")).extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail"))
                .containsExactly("INVALID_ENVELOPE_FIELD: the event id at field ref is a record, not a string, int or long");
    }
}
