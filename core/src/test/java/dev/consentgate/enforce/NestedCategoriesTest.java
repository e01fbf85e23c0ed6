package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.output.FieldCategories;
import dev.consentgate.policy.DataCategory;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.FieldTreatment;
import dev.consentgate.schema.PurposeDecision;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Categories inside values the minimizer does not walk into field by field: an array or a map of records, a
 * recursive record, containers under a redact method, and local timestamps under generalize. Each must fail closed.
 */
class NestedCategoriesTest {

    private static final Schema BASKET = new Schema.Parser().parse("""
            {"type": "record", "name": "Basket", "namespace": "test", "fields": [
              {"name": "eventId", "type": "string"},
              {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
              {"name": "occurredAt", "type": "long"},
              {"name": "purposes", "type": {"type": "array", "items": "string"}},
              {"name": "items", "data_category": "user.behavior.purchase_history", "type": {"type": "array", "items":
                {"type": "record", "name": "Item", "fields": [
                  {"name": "sku", "type": "string", "data_category": "system.operations"},
                  {"name": "giftRecipientEmail", "type": ["null", "string"], "default": null, "data_category": "user.contact.email"}]}}},
              {"name": "itemsBySlot", "type": {"type": "map", "values": "Item"}, "data_category": "user.behavior.purchase_history"},
              {"name": "skus", "type": {"type": "array", "items": "string"}, "data_category": "system.operations"},
              {"name": "person", "data_category": "user.behavior", "type": {"type": "record", "name": "Person", "fields": [
                {"name": "email", "type": "string", "data_category": "user.contact.email"},
                {"name": "segment", "type": "string"},
                {"name": "referrer", "type": ["null", "Person"], "default": null}]}},
              {"name": "ccEmails", "type": {"type": "array", "items": "string"}, "data_category": "user.contact.email"},
              {"name": "visitedAt", "type": {"type": "long", "logicalType": "local-timestamp-millis"},
               "data_category": "user.behavior.browsing_history"},
              {"name": "status", "type": "string", "data_category": "system.operations"}]}
            """);

    private static final String POLICY = """
            version: "nested-1"
            purposes:
              training:
                basis: contract
                allow_categories: [user.behavior, system.operations]
              analytics:
                basis: consent
                on_missing_consent: redact
                allow_categories: [user, system]
                redact: { user.contact.email: mask, user.behavior: generalize, user.unique_id: hash }
              support:
                basis: contract
                allow_categories: [user, system]
            inputs:
              - topic: crm.baskets
                customer_id: { field: customerId }
                purposes: { field: purposes }
                event_time: { field: occurredAt }
                event_id: { field: eventId }
            """;

    private static final long VISITED_AT = LocalDateTime.of(2026, 3, 14, 15, 9, 26, 535_000_000).toInstant(ZoneOffset.UTC).toEpochMilli();

    private EnforcementDriver driver;
    private GenericRecord basket;
    private final Map<String, byte[]> outputs = new HashMap<>();

    @BeforeEach
    void send() {
        driver = new EnforcementDriver(POLICY);
        basket = basket();
        driver.sendRaw("crm.baskets", "c-1", driver.encodeGeneric("crm.baskets", basket));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private static GenericRecord item(String sku, String giftRecipientEmail) {
        GenericData.Record item = new GenericData.Record(BASKET.getField("items").schema().getElementType());
        item.put("sku", sku);
        item.put("giftRecipientEmail", giftRecipientEmail);
        return item;
    }

    private static GenericRecord person(String email, String segment, GenericRecord referrer) {
        GenericData.Record person = new GenericData.Record(BASKET.getField("person").schema());
        person.put("email", email);
        person.put("segment", segment);
        person.put("referrer", referrer);
        return person;
    }

    private static GenericRecord basket() {
        GenericData.Record basket = new GenericData.Record(BASKET);
        basket.put("eventId", "b-1");
        basket.put("customerId", "c-1");
        basket.put("occurredAt", 2_000L);
        basket.put("purposes", List.of("training", "analytics", "support"));
        basket.put("items", List.of(item("SKU-1", "gift.friend@example.com"), item("SKU-2", null)));
        basket.put("itemsBySlot", Map.of("slot-a", item("SKU-3", "aunt.may@example.org")));
        basket.put("skus", List.of("SKU-1", "SKU-2"));
        basket.put("person", person("jane.doe@example.com", "loyal", person("ref.secret@corp.example", "vip", null)));
        basket.put("ccEmails", List.of("alice@example.com", "bob.secret@corp.example"));
        basket.put("visitedAt", VISITED_AT);
        basket.put("status", "paid");
        return basket;
    }

    /** The purpose's one record; reading a purpose topic consumes it, so each is read once. */
    private byte[] value(String purpose) {
        return outputs.computeIfAbsent(purpose, p -> driver.purpose(p).get(0).value());
    }

    private GenericRecord output(String purpose) {
        return driver.decode("x", value(purpose));
    }

    private String outputText(String purpose) {
        return new String(value(purpose), StandardCharsets.ISO_8859_1);
    }

    private List<FieldTreatment> treatments(String purpose) {
        return driver.audits().get(0).getDecisions().stream().filter(d -> d.getPurpose().equals(purpose)).findFirst()
                .map(PurposeDecision::getFields).orElseThrow();
    }

    @Test
    void anArrayOrMapOfRecordsPassesOnlyIfEveryCategoryInsideItDoes() {
        GenericRecord training = output("training");

        assertThat(fieldNames(training)).containsExactly("eventId", "occurredAt", "purposes", "skus", "person", "visitedAt", "status");
        assertThat(training.get("skus").toString()).isEqualTo("[SKU-1, SKU-2]");
        assertThat(outputText("training")).doesNotContain("gift.friend", "aunt.may", "SKU-3");
        assertThat(treatments("training")).contains(
                new FieldTreatment("items", "user.contact.email", "remove"),
                new FieldTreatment("itemsBySlot", "user.contact.email", "remove"));
        // A purpose that may see every category inside gets them whole, as sent.
        GenericRecord support = output("support");
        assertThat(support.get("items").toString()).isEqualTo(basket.get("items").toString());
        assertThat(support.get("itemsBySlot").toString()).isEqualTo(basket.get("itemsBySlot").toString());
    }

    @Test
    void aRecursiveRecordIsJudgedByEveryCategoryItHolds() {
        GenericRecord person = (GenericRecord) output("training").get("person");

        assertThat(fieldNames(person)).containsExactly("segment");
        assertThat(person.get("segment").toString()).isEqualTo("loyal");
        assertThat(outputText("training")).doesNotContain("ref.secret", "jane.doe", "vip");
        assertThat(treatments("training")).contains(
                new FieldTreatment("person.email", "user.contact.email", "remove"),
                new FieldTreatment("person.referrer", "user.contact.email", "remove"));
        GenericRecord referrer = (GenericRecord) ((GenericRecord) output("support").get("person")).get("referrer");
        assertThat(referrer.get("email").toString()).isEqualTo("ref.secret@corp.example");
    }

    @Test
    void aRedactMethodOnAnArrayOrMapRemovesTheField() {
        GenericRecord analytics = output("analytics");

        assertThat(fieldNames(analytics)).containsExactly("eventId", "customerId", "occurredAt", "purposes", "skus", "person",
                "visitedAt", "status");
        assertThat(analytics.get("skus").toString()).isEqualTo("[SKU-1, SKU-2]");
        GenericRecord person = (GenericRecord) analytics.get("person");
        assertThat(fieldNames(person)).containsExactly("email", "segment");
        assertThat(person.get("email").toString()).isEqualTo("j***@example.com");
        assertThat(person.get("segment").toString()).isEqualTo("*");
        assertThat(outputText("analytics")).doesNotContain("bob.secret", "alice", "gift.friend", "aunt.may", "ref.secret", "SKU-3");
        assertThat(treatments("analytics")).contains(
                new FieldTreatment("ccEmails", "user.contact.email", "remove"),
                new FieldTreatment("items", "user.behavior.purchase_history", "remove"),
                new FieldTreatment("itemsBySlot", "user.behavior.purchase_history", "remove"),
                new FieldTreatment("person.referrer", "user.behavior", "remove"));
    }

    @Test
    void aFieldKeptWholeHoldsTheCategoriesOfEveryDepthWithMappingPathsInsideIt() {
        Policy policy = PolicyParser.parse("p.yaml", (POLICY + """
                    categories:
                      items.sku: user.behavior
                      person.referrer.referrer.segment: user.demographic
                """).getBytes(StandardCharsets.UTF_8));

        FieldCategories categories = FieldCategories.of(BASKET, policy.input("crm.baskets").orElseThrow());

        assertThat(categories.unmatchedPaths()).isEmpty();
        assertThat(categories.whole()).containsOnlyKeys("items", "itemsBySlot", "skus", "person.referrer", "ccEmails");
        assertThat(categories.whole().get("items")).containsExactly(
                category("user.behavior.purchase_history"), category("user.behavior"), category("user.contact.email"));
        assertThat(categories.whole().get("itemsBySlot")).containsExactly(
                category("user.behavior.purchase_history"), category("system.operations"), category("user.contact.email"));
        // The recursive record is walked as deep as a mapping path reaches, and once more per category context.
        assertThat(categories.whole().get("person.referrer")).containsExactly(
                category("user.behavior"), category("user.contact.email"), category("user.demographic"));
        assertThat(categories.whole().get("skus")).containsExactly(category("system.operations"));
        assertThat(categories.byPath().get("person.referrer")).isEqualTo(category("user.behavior"));
    }

    private static DataCategory category(String key) {
        return DataCategory.of(key);
    }

    @Test
    void generalizeTurnsALocalTimestampIntoItsYear() {
        assertThat(output("analytics").get("visitedAt").toString()).isEqualTo("2026");
        assertThat(treatments("analytics")).contains(new FieldTreatment("visitedAt", "user.behavior.browsing_history", "generalize"));
    }
}
