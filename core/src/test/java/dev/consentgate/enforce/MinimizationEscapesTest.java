package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.fieldNames;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.output.FieldCategories;
import dev.consentgate.policy.DataCategory;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attempts to make personal data escape minimization through the schema's shape and the redaction methods: a record
 * type used in two places or inside itself where a mapping path re-categorizes one place, a category written on a
 * field's type, a postal code stored as a number, free text with an {@code @}, the length of a masked value, an envelope
 * field that holds personal data, the customer id's header passed on. Also the shapes found safe, as guards.
 */
class MinimizationEscapesTest {

    private EnforcementDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Everything a record carries: key, value and headers, as text. */
    private static String everything(TestRecord<byte[], byte[]> record) {
        StringBuilder all = new StringBuilder(text(record.key())).append('|').append(text(record.value()));
        record.headers().forEach(h -> all.append('|').append(h.key()).append('=').append(text(h.value())));
        return all.toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // 1. A categories: path naming one occurrence of a record type inside a whole (array) field hides the schema
    //    category of the type's other occurrences.

    private static final Schema HOUSEHOLD = new Schema.Parser().parse("""
            {"type": "record", "name": "Household", "namespace": "adv", "fields": [
              {"name": "eventId", "type": "string"},
              {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
              {"name": "occurredAt", "type": "long"},
              {"name": "purposes", "type": {"type": "array", "items": "string"}},
              {"name": "members", "data_category": "user.behavior", "type": {"type": "array", "items":
                {"type": "record", "name": "Member", "fields": [
                  {"name": "self", "type": {"type": "record", "name": "Contact", "fields": [
                    {"name": "email", "type": "string", "data_category": "user.contact.email"}]}},
                  {"name": "guardian", "type": "Contact"}]}}},
              {"name": "status", "type": "string", "data_category": "system.operations"}]}
            """);

    private static final String HOUSEHOLD_POLICY = """
            version: "adv-household-1"
            purposes:
              training:
                basis: contract
                allow_categories: [user.behavior, user.unique_id, system.operations]
            inputs:
              - topic: crm.households
                customer_id: { field: customerId }
                purposes: { field: purposes }
                event_time: { field: occurredAt }
                event_id: { field: eventId }
                categories:
                  members.self.email: user.unique_id
            """;

    @Test
    void aCategoryPathOnOneOccurrenceOfASharedTypeInsideAnArrayDoesNotHideTheOtherOccurrencesCategory() {
        driver = new EnforcementDriver(HOUSEHOLD_POLICY);
        Schema member = HOUSEHOLD.getField("members").schema().getElementType();
        Schema contact = member.getField("self").schema();
        GenericData.Record self = new GenericData.Record(contact);
        self.put("email", "login-id-77@example.com");
        GenericData.Record guardian = new GenericData.Record(contact);
        guardian.put("email", "guardian.secret@example.org");
        GenericData.Record m = new GenericData.Record(member);
        m.put("self", self);
        m.put("guardian", guardian);
        GenericData.Record value = new GenericData.Record(HOUSEHOLD);
        value.put("eventId", "h-1");
        value.put("customerId", "c-h");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("training"));
        value.put("members", List.of(m));
        value.put("status", "ok");

        driver.sendRaw("crm.households", "c-h", driver.encodeGeneric("crm.households", value));

        List<TestRecord<byte[], byte[]>> out = driver.purpose("training");
        assertThat(out).hasSize(1);
        assertThat(everything(out.get(0)))
                .as("members.guardian.email is user.contact.email (schema), which training may not see; only members.self.email was"
                        + " re-categorized by the mapping")
                .doesNotContain("guardian.secret");
    }

    /** A person and who referred them, and who referred that one: the same record type, inside itself. */
    private static final Schema VISIT = new Schema.Parser().parse("""
            {"type": "record", "name": "Visit", "namespace": "adv", "fields": [
              {"name": "eventId", "type": "string"},
              {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
              {"name": "occurredAt", "type": "long"},
              {"name": "purposes", "type": {"type": "array", "items": "string"}},
              {"name": "person", "data_category": "user.behavior", "type": {"type": "record", "name": "Person", "fields": [
                {"name": "email", "type": "string", "data_category": "user.contact.email"},
                {"name": "referrer", "type": ["null", "Person"], "default": null}]}}]}
            """);

    /** The mapping re-categorizes the first referrer's email (a login id there), and no other. */
    private static final String VISIT_POLICY = """
            version: "adv-recursive-1"
            purposes:
              training:
                basis: contract
                allow_categories: [user.behavior, user.unique_id, system.operations]
            inputs:
              - topic: crm.visits
                customer_id: { field: customerId }
                purposes: { field: purposes }
                event_time: { field: occurredAt }
                event_id: { field: eventId }
                categories:
                  person.referrer.email: user.unique_id
            """;

    @Test
    void aCategoryPathInsideARecursiveRecordDoesNotHideTheCategoryOfDeeperLevels() {
        Policy policy = PolicyParser.parse("p.yaml", VISIT_POLICY.getBytes(StandardCharsets.UTF_8));

        FieldCategories categories = FieldCategories.of(VISIT, policy.input("crm.visits").orElseThrow());

        assertThat(categories.whole().get("person.referrer"))
                .as("person.referrer.referrer.email keeps its schema category user.contact.email")
                .containsExactlyInAnyOrder(DataCategory.of("user.behavior"), DataCategory.of("user.unique_id"),
                        DataCategory.of("user.contact.email"));
    }

    /** End to end: the second referrer's email (schema: user.contact.email) reaches a purpose allowed only behavior and ids. */
    @Test
    void theSecondReferrersEmailDoesNotReachAPurposeThatMayNotSeeEmails() {
        driver = new EnforcementDriver(VISIT_POLICY);
        Schema person = VISIT.getField("person").schema();
        GenericData.Record second = new GenericData.Record(person);
        second.put("email", "second.referrer.secret@example.org");
        GenericData.Record first = new GenericData.Record(person);
        first.put("email", "first-referrer-login-id");
        first.put("referrer", second);
        GenericData.Record self = new GenericData.Record(person);
        self.put("email", "self.secret@example.com");
        self.put("referrer", first);
        GenericData.Record value = new GenericData.Record(VISIT);
        value.put("eventId", "v-1");
        value.put("customerId", "c-v");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("training"));
        value.put("person", self);

        driver.sendRaw("crm.visits", "c-v", driver.encodeGeneric("crm.visits", value));

        TestRecord<byte[], byte[]> out = driver.purpose("training").get(0);
        assertThat(everything(out)).as("training record").doesNotContain("self.secret").doesNotContain("second.referrer.secret");
        // (the emails are removed, and the referrers whole, as one of them holds an email: nothing is left of the person)
        assertThat(fieldNames(driver.decode("x", out.value()))).containsExactly("eventId", "customerId", "occurredAt", "purposes");
    }

    /**
     * A type's category does not loosen its field's: a record type marked {@code system.operations}, used under a
     * {@code user.contact} field, keeps its unannotated fields personal. Its event id, read from a field with no category
     * of its own under that personal parent, is personal too and refused.
     */
    @Test
    void aTypesCategoryDoesNotTakeAFieldOutOfItsPersonalParentsCategory() {
        Schema lead = new Schema.Parser().parse("""
                {"type": "record", "name": "Lead", "namespace": "adv", "fields": [
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}},
                  {"name": "contact", "data_category": "user.contact", "type": {"type": "record", "name": "Ref",
                    "data_category": "system.operations", "fields": [{"name": "value", "type": "string"}]}},
                  {"name": "ops", "type": "Ref"}]}
                """);
        String policy = """
                version: "adv-typed-1"
                purposes:
                  ops:
                    basis: contract
                    allow_categories: [system.operations]
                inputs:
                  - topic: crm.leads
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                """;
        Policy withoutEventId = PolicyParser.parse("p.yaml", policy.getBytes(StandardCharsets.UTF_8));
        Policy byContact = PolicyParser.parse("p.yaml", (policy + "    event_id: { field: contact.value }\n").getBytes(StandardCharsets.UTF_8));

        assertThat(FieldCategories.of(lead, withoutEventId.input("crm.leads").orElseThrow()).byPath())
                .containsExactly(Map.entry("customerId", DataCategory.of("user.unique_id")),
                        Map.entry("contact.value", DataCategory.of("user.contact")),
                        Map.entry("ops.value", DataCategory.of("system.operations")));
        assertThatThrownBy(() -> FieldCategories.of(lead, byContact.input("crm.leads").orElseThrow()))
                .isInstanceOf(FieldCategories.PersonalEnvelopeField.class)
                .hasMessage("the event id field contact.value is categorized user.contact");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. Redaction methods that keep more than the policy reference promises.

    private static final Schema PROFILE = new Schema.Parser().parse("""
            {"type": "record", "name": "Profile", "namespace": "adv", "fields": [
              {"name": "eventId", "type": "string"},
              {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
              {"name": "occurredAt", "type": "long"},
              {"name": "purposes", "type": {"type": "array", "items": "string"}},
              {"name": "zip", "type": "int", "data_category": "user.contact.address.postal_code"},
              {"name": "gender", "type": "string", "data_category": "user.demographic.gender"},
              {"name": "note", "type": "string", "data_category": "user.contact"},
              {"name": "status", "type": "string", "data_category": "system.operations"}]}
            """);

    private static final String PROFILE_POLICY = """
            version: "adv-profile-1"
            purposes:
              analytics:
                basis: consent
                on_missing_consent: redact
                allow_categories: [user, system]
                redact:
                  user.contact.address.postal_code: generalize
                  user.demographic: mask
                  user.contact: mask
            inputs:
              - topic: crm.profiles
                customer_id: { field: customerId }
                purposes: { field: purposes }
                event_time: { field: occurredAt }
                event_id: { field: eventId }
            """;

    private GenericRecord sendProfile(String eventId, String customerId, int zip, String gender, String note) {
        GenericData.Record value = new GenericData.Record(PROFILE);
        value.put("eventId", eventId);
        value.put("customerId", customerId);
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("analytics"));
        value.put("zip", zip);
        value.put("gender", gender);
        value.put("note", note);
        value.put("status", "ok");
        driver.sendRaw("crm.profiles", customerId, driver.encodeGeneric("crm.profiles", value));
        return driver.decode("x", driver.purpose("analytics").get(0).value());
    }

    /** The reference: "generalize: a postal code keeps its first 3 characters". A US ZIP code is often an int. */
    @Test
    void generalizeKeepsOnlyThreeCharactersOfAPostalCodeStoredAsANumber() {
        driver = new EnforcementDriver(PROFILE_POLICY);

        GenericRecord out = sendProfile("p-1", "c-p", 94107, "female", "n/a");

        assertThat(out.get("zip").toString()).as("generalized numeric postal code").isEqualTo("941");
    }

    /** Only a value that is one address keeps its domain: free text with an '@' in it is masked as other text. */
    @Test
    void maskOfFreeTextContainingAnAtSignKeepsOnlyItsLastTwoCharacters() {
        driver = new EnforcementDriver(PROFILE_POLICY);

        GenericRecord out = sendProfile("p-2", "c-q", 94107, "female", "Met @ cafe; lives at 1 Market St, call +44 20 7946 0958");

        assertThat(out.get("note").toString()).as("masked free text").isEqualTo("***58");
    }

    /** A mask of fixed width: a masked value does not tell how long the value was ("Jonathan" and "Ethan"). */
    @Test
    void maskDoesNotKeepTheLengthOfTheValue() {
        driver = new EnforcementDriver(PROFILE_POLICY);
        String longer = sendProfile("p-3", "c-f", 94107, "Jonathan", "n/a").get("gender").toString();
        driver.close();
        driver = new EnforcementDriver(PROFILE_POLICY);
        String shorter = sendProfile("p-4", "c-m", 94107, "Ethan", "n/a").get("gender").toString();

        assertThat(longer).isEqualTo("***an");
        assertThat(shorter).isEqualTo("***an");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. An event id field the schema itself declares personal, and categories written on types.

    @Test
    void anEventIdFieldTheSchemaDeclaresPersonalDoesNotReachPurposesOrTheAuditInTheClear() {
        driver = new EnforcementDriver("""
                version: "adv-envelope-1"
                purposes:
                  train:
                    basis: contract
                    allow_categories: [user.behavior, system.operations]
                inputs:
                  - topic: crm.signups
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: email }
                """);
        Schema signup = new Schema.Parser().parse("""
                {"type": "record", "name": "Signup", "namespace": "adv", "fields": [
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "occurredAt", "type": "long"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}},
                  {"name": "email", "type": "string", "data_category": "user.contact.email"},
                  {"name": "page", "type": "string", "data_category": "user.behavior"}]}
                """);
        GenericData.Record value = new GenericData.Record(signup);
        value.put("customerId", "c-e");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("train"));
        value.put("email", "jane.secret@example.com");
        value.put("page", "/pricing");

        driver.sendRaw("crm.signups", "c-e", driver.encodeGeneric("crm.signups", value));

        List<String> seen = new ArrayList<>();
        driver.purpose("train").forEach(r -> seen.add("purpose: " + everything(r)));
        driver.records("consent.audit").forEach(r -> seen.add("audit: " + everything(r)));
        assertThat(seen).as("a field the schema marks user.contact.email, used as event id").isEmpty();
        assertThat(driver.records("consent.dlq")).extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail"))
                .containsExactly("INVALID_ENVELOPE_FIELD: the field email, read as the event id, is categorized user.contact.email: "
                        + "the event id passes to every purpose and the audit topic in the clear, so it may not hold personal data");
    }

    /**
     * Avro IDL puts an annotation written before a field's type on the type ({@code @data_category("user.contact.email") string
     * email;} gives {@code "type": {"type": "string", "data_category": ...}}), and a named type (fixed, enum, record) may carry
     * it too. The schema still names the field's category; it must not fall back to a more permissive parent's.
     */
    @Test
    void aCategoryDeclaredOnTheFieldsTypeIsNotReplacedByItsParentsCategory() {
        driver = new EnforcementDriver("""
                version: "adv-typeprop-1"
                purposes:
                  ops:
                    basis: contract
                    allow_categories: [system.operations]
                inputs:
                  - topic: crm.sessions
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: eventId }
                """);
        Schema session = new Schema.Parser().parse("""
                {"type": "record", "name": "Session", "namespace": "adv", "fields": [
                  {"name": "eventId", "type": "string"},
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "occurredAt", "type": "long"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}},
                  {"name": "meta", "data_category": "system.operations", "type": {"type": "record", "name": "Meta", "fields": [
                    {"name": "server", "type": "string"},
                    {"name": "contact", "type": {"type": "string", "data_category": "user.contact.email"}},
                    {"name": "ip", "type": {"type": "fixed", "name": "IPv4", "size": 4, "data_category": "user.device.ip_address"}}]}}]}
                """);
        Schema meta = session.getField("meta").schema();
        GenericData.Record m = new GenericData.Record(meta);
        m.put("server", "eu-1");
        m.put("contact", "typed.secret@example.com");
        m.put("ip", new GenericData.Fixed(meta.getField("ip").schema(), new byte[] {(byte) 203, 0, 113, 7}));
        GenericData.Record value = new GenericData.Record(session);
        value.put("eventId", "s-1");
        value.put("customerId", "c-s");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("ops"));
        value.put("meta", m);

        driver.sendRaw("crm.sessions", "c-s", driver.encodeGeneric("crm.sessions", value));

        GenericRecord out = driver.decode("x", driver.purpose("ops").get(0).value());
        assertThat(fieldNames((GenericRecord) out.get("meta"))).as("fields of meta reaching a system.operations-only purpose")
                .containsExactly("server");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. Shapes expected to be safe (kept as regression guards).

    @Test
    void aUnionOfTwoRecordsIsJudgedByTheCategoriesOfEveryBranch() {
        driver = new EnforcementDriver("""
                version: "adv-union-1"
                purposes:
                  training:
                    basis: contract
                    allow_categories: [user.behavior, system.operations]
                inputs:
                  - topic: crm.parties
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: eventId }
                """);
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "PartyEvent", "namespace": "adv", "fields": [
                  {"name": "eventId", "type": "string"},
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "occurredAt", "type": "long"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}},
                  {"name": "party", "data_category": "user.behavior", "type": ["null",
                    {"type": "record", "name": "Person", "fields": [{"name": "segment", "type": "string"}]},
                    {"type": "record", "name": "Company", "fields": [
                      {"name": "contactEmail", "type": "string", "data_category": "user.contact.email"}]}], "default": null},
                  {"name": "tags", "type": {"type": "map", "values": ["null", "string", "Company"]}, "data_category": "system.operations"}]}
                """);
        Schema company = schema.getField("party").schema().getTypes().get(2);
        GenericData.Record c = new GenericData.Record(company);
        c.put("contactEmail", "buyer.secret@corp.example");
        GenericData.Record value = new GenericData.Record(schema);
        value.put("eventId", "u-1");
        value.put("customerId", "c-u");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("training"));
        value.put("party", c);
        value.put("tags", java.util.Map.of("k", c));

        driver.sendRaw("crm.parties", "c-u", driver.encodeGeneric("crm.parties", value));

        TestRecord<byte[], byte[]> out = driver.purpose("training").get(0);
        assertThat(everything(out)).doesNotContain("buyer.secret", "c-u");
        assertThat(fieldNames(driver.decode("x", out.value()))).containsExactly("eventId", "occurredAt", "purposes");
    }

    @Test
    void anOptionalNestedRecordWithTheRecordBranchFirstIsMinimizedAndKeepsNoInputHeaderWhenRedacted() {
        driver = new EnforcementDriver("""
                version: "adv-optional-1"
                purposes:
                  analytics:
                    basis: consent
                    on_missing_consent: redact
                    allow_categories: [user, system]
                    redact: { user.contact.email: hash }
                inputs:
                  - topic: crm.accounts
                    customer_id: { field: customerId }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    event_id: { field: eventId }
                    pass_headers: [traceparent, x-user]
                """);
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Account", "namespace": "adv", "fields": [
                  {"name": "eventId", "type": "string"},
                  {"name": "customerId", "type": "string", "data_category": "user.unique_id"},
                  {"name": "occurredAt", "type": "long"},
                  {"name": "purposes", "type": {"type": "array", "items": "string"}},
                  {"name": "owner", "type": [{"type": "record", "name": "Owner", "fields": [
                      {"name": "email", "type": "string", "data_category": "user.contact.email"},
                      {"name": "name", "type": "string", "data_category": "user.name"},
                      {"name": "plan", "type": {"type": "enum", "name": "Plan", "symbols": ["FREE", "PRO"]},
                       "data_category": "system.operations"}]}, "null"],
                   "default": {"email": "default@example.com", "name": "Default Name", "plan": "FREE"}}]}
                """);
        GenericData.Record owner = new GenericData.Record(schema.getField("owner").schema().getTypes().get(0));
        owner.put("email", "owner.secret@example.com");
        owner.put("name", "Olga Owner");
        owner.put("plan", new GenericData.EnumSymbol(owner.getSchema().getField("plan").schema(), "PRO"));
        GenericData.Record value = new GenericData.Record(schema);
        value.put("eventId", "a-1");
        value.put("customerId", "c-a");
        value.put("occurredAt", 2_000L);
        value.put("purposes", List.of("analytics"));
        value.put("owner", owner);

        driver.sendRawWithHeaders("crm.accounts", "c-a", driver.encodeGeneric("crm.accounts", value), 2_000,
                "traceparent", "00-abc-01", "x-user", "owner.secret@example.com");

        TestRecord<byte[], byte[]> out = driver.purpose("analytics").get(0);
        assertThat(header(out, "consent-decision")).isEqualTo("redact");
        assertThat(everything(out)).doesNotContain("owner.secret", "Olga", "c-a");
        GenericRecord decoded = driver.decode("x", out.value());
        assertThat(fieldNames((GenericRecord) decoded.get("owner"))).containsExactly("email", "plan");
    }
}
