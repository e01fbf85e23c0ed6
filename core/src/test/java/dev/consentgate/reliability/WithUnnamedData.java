package dev.consentgate.reliability;

import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;

import dev.consentgate.policy.KeyedHash;
import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.enforce.EnforcementDriver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A contact event carrying data nobody named, as producers send it: a field that schema evolution added without a
 * category, a nested record holding a categorized and an uncategorized field, and input headers the policy does not
 * list (one holding an email address). And, written by hand from the example policy rather than from the code, what
 * each purpose may see of it: the safety invariant's half about data.
 */
final class WithUnnamedData {

    /** Input headers: one the example policy passes, one that must never reach a purpose. */
    static final String[] HEADERS = {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-crm-user-email", "jane.doe@example.com"};

    private static final Schema ADDRESS = new Schema.Parser().parse("""
            {"type": "record", "name": "Address", "namespace": "dev.consentgate.sample", "fields": [
              {"name": "street", "type": "string"},
              {"name": "zip", "type": "string", "data_category": "user.contact.address.postal_code"}]}
            """);
    static final Schema CONTACT = evolved();

    /** The fields that describe the event, not the customer: they pass everywhere. */
    private static final Set<String> ENVELOPE = Set.of("eventId", "occurredAt", "purposes");

    /**
     * Per purpose of the example policy, the fields a permitted or tagged record may carry in the clear. Not listed:
     * the fields the purpose may not see, among them nationalId and address.street, which nobody categorized.
     */
    private static final Map<String, Set<String>> IN_THE_CLEAR = Map.of(
            "marketing.communications.email", Set.of("customerId", "email", "firstName", "lastName"),
            "marketing.advertising", Set.of("customerId", "email"),
            "analytics.reporting", Set.of("customerId", "email", "firstName", "lastName", "phone", "postalCode", "country",
                    "birthDate", "gender", "lifecycleStage", "nationalId", "address.street", "address.zip"),
            // user.demographic is denied: demographics go, and so does "user", which may hold them.
            "personalize.profiling", Set.of("customerId", "email", "firstName", "lastName", "phone", "postalCode", "country",
                    "lifecycleStage", "address.zip"),
            "essential.service", Set.of("customerId", "email", "firstName", "lastName", "phone", "postalCode", "country",
                    "birthDate", "gender", "lifecycleStage", "nationalId", "address.street", "address.zip"));

    /** Per purpose, whether the record key may be the customer id in the clear (user.unique_id allowed). */
    private static final Set<String> KEY_IN_THE_CLEAR = Set.of("marketing.communications.email", "marketing.advertising",
            "analytics.reporting", "personalize.profiling", "essential.service");

    private static final KeyedHash HASH = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8));

    private WithUnnamedData() {
    }

    private static Schema evolved() {
        Schema v1 = ContactUpdated.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        v1.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        Schema optionalString = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        fields.add(new Schema.Field("nationalId", optionalString, "added later, categorized by nobody", JsonProperties.NULL_VALUE));
        fields.add(new Schema.Field("address", Schema.createUnion(Schema.create(Schema.Type.NULL), ADDRESS), null, JsonProperties.NULL_VALUE));
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    static GenericRecord contact(String eventId, String customerId, long occurredAt, List<String> purposes) {
        ContactUpdated v1 = EnforcementDriver.contact(eventId, customerId, occurredAt, purposes.toArray(String[]::new));
        GenericData.Record record = new GenericData.Record(CONTACT);
        v1.getSchema().getFields().forEach(f -> record.put(f.name(), v1.get(f.pos())));
        record.put("occurredAt", occurredAt);
        record.put("birthDate", (int) v1.getBirthDate().toEpochDay());
        record.put("nationalId", "AB123456C");
        GenericData.Record address = new GenericData.Record(ADDRESS);
        address.put("street", "1 Market St");
        address.put("zip", "94107");
        record.put("address", address);
        return record;
    }

    /** What of one delivered record the purpose may not see: fields, key and headers; empty when nothing leaked. */
    static List<String> leaks(String purpose, String decision, TestRecord<byte[], byte[]> record, GenericRecord value, String customerId) {
        List<String> leaks = new ArrayList<>();
        String where = purpose + " " + decision + " record of " + value.get("eventId");
        boolean pseudonymized = decision.equals("redact");
        for (String path : leaves(value.getSchema(), "")) {
            if (ENVELOPE.contains(path)) {
                continue;
            }
            boolean transformed = field(value.getSchema(), path).getProp("consentgate_action") != null;
            boolean allowed = pseudonymized ? transformed : IN_THE_CLEAR.get(purpose).contains(path) && !transformed;
            if (!allowed) {
                leaks.add(where + " carries field " + path);
            }
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        String expectedKey = KEY_IN_THE_CLEAR.contains(purpose) && !pseudonymized ? customerId : HASH.hex(customerId);
        if (!key.equals(expectedKey)) {
            leaks.add(where + " has key " + key + " instead of " + expectedKey);
        }
        for (Header header : record.headers()) {
            boolean passes = header.key().startsWith("consent-") || (header.key().equals("traceparent") && !pseudonymized);
            if (!passes) {
                leaks.add(where + " carries header " + header.key());
            }
        }
        return leaks;
    }

    /** The dotted paths of a record schema's leaf fields, walking into records and optional records. */
    private static List<String> leaves(Schema record, String prefix) {
        List<String> paths = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            Schema nested = nestedRecord(field.schema());
            if (nested != null) {
                paths.addAll(leaves(nested, prefix + field.name() + "."));
            } else {
                paths.add(prefix + field.name());
            }
        }
        return paths;
    }

    private static Schema.Field field(Schema record, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            return record.getField(path);
        }
        return field(nestedRecord(record.getField(path.substring(0, dot)).schema()), path.substring(dot + 1));
    }

    private static Schema nestedRecord(Schema schema) {
        if (schema.getType() == Schema.Type.RECORD) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().filter(s -> s.getType() == Schema.Type.RECORD).findFirst().orElse(null);
        }
        return null;
    }
}
