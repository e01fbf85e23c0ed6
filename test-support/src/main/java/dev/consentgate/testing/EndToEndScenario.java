package dev.consentgate.testing;

import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.sample.EmailEngagement;
import dev.consentgate.sample.LeadScoringFeatures;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Traffic for the end-to-end tests, and the decisions expected for it, computed by a small model
 * written here independently of the decision code: consent as of event time per (customer,
 * purpose), and the example policy's rules for the purposes used. Changes during the run are grants
 * only: a withdrawal read before an older event is decided drops it too, and which events a live run
 * decides after reading it depends on how the service interleaves its inputs; a later grant never
 * changes a decision, which is judged at both times.
 */
public final class EndToEndScenario {

    public static final String EMAIL = "marketing.communications.email";
    public static final String ANALYTICS = "analytics.reporting";
    public static final String TRAINING = "train_ai_system";
    static final String ESSENTIAL = "essential.service";
    static final List<String> EVENT_PURPOSES = List.of(EMAIL, ANALYTICS, TRAINING, ESSENTIAL);
    private static final List<String> CONSENTED = List.of(EMAIL, ANALYTICS, TRAINING);
    /** Of the purposes used, those the example policy's allowed_purposes let each input declare: the others drop. */
    private static final Map<String, List<String>> DECLARABLE = Map.of(
            "crm.contacts", List.of(EMAIL, ANALYTICS, ESSENTIAL),
            "crm.email-engagement", List.of(EMAIL, ANALYTICS, TRAINING),
            "crm.lead-scores", List.of(ANALYTICS, TRAINING));
    /**
     * Business time starts shortly before now: records keep their timestamps through the pipeline, and
     * records older than a topic's retention (7 days by default) are deleted by the broker's retention
     * check while the test reads them.
     */
    private static final long T0 = Instant.now().minusSeconds(900).toEpochMilli() / 1000 * 1000;
    /**
     * Events are 100 ms apart in event time, closer in long runs so that the last stays in the past:
     * brokers reject records more than an hour in the future ({@code log.message.timestamp.after.max.ms}).
     */
    private static final long MAX_EVENT_TIME_SPAN_MS = 800_000;

    /** ContactUpdated with one more optional field: a BACKWARD-compatible new version of the input schema. */
    public static final Schema CONTACT_V2 = contactV2();

    /** One record to produce; {@code value} is null for a poisoned record whose bytes are {@code raw}. */
    public record Message(String topic, String key, long timestamp, IndexedRecord value, byte[] raw) {
    }

    public final List<Message> messages = new ArrayList<>();
    /** purpose topic → event id → expected consent-decision header. */
    public final Map<String, Map<String, String>> expectedByPurpose = new TreeMap<>();
    public final List<String> decidedEventIds = new ArrayList<>();
    public final List<String> poisonedKeys = new ArrayList<>();

    private final Map<String, TreeMap<Long, ConsentStatus>> history = new HashMap<>();
    private final Random random;

    public EndToEndScenario(long seed, int customers, int events) {
        random = new Random(seed);
        long spacing = Math.min(100L, MAX_EVENT_TIME_SPAN_MS / events);
        EVENT_PURPOSES.forEach(p -> expectedByPurpose.put("crm.purpose." + p, new TreeMap<>()));
        for (int c = 0; c < customers; c++) {
            for (String purpose : CONSENTED) {
                int roll = random.nextInt(10);
                if (roll < 6) {
                    consent(customer(c), purpose, ConsentStatus.GRANTED, T0 - 1_000 - random.nextInt(100_000));
                } else if (roll < 8) {
                    consent(customer(c), purpose, ConsentStatus.DENIED, T0 - 1_000 - random.nextInt(100_000));
                }
            }
        }
        // A grant lands between the previous event and its own (50 ms before it at the usual spacing), so
        // that every event's expected decision, computed here as the event is made, already knows every
        // consent change of its time, whatever order the service reads the topics in.
        for (int i = 1; i <= events; i++) {
            long time = T0 + i * spacing;
            if (i % 10 == 0) {
                consent(customer(random.nextInt(customers)), CONSENTED.get(random.nextInt(CONSENTED.size())),
                        ConsentStatus.GRANTED, time - spacing / 2);
            }
            event(i, customer(random.nextInt(customers)), time);
        }
    }

    private void consent(String customer, String purpose, ConsentStatus status, long capturedAt) {
        ConsentEvent event = ConsentEvent.newBuilder().setCustomerId(customer).setPurpose(purpose).setStatus(status)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt)).setJurisdiction("EU").setSource("e2e").build();
        messages.add(new Message("consent.events", customer, capturedAt, event, null));
        history.computeIfAbsent(customer + "|" + purpose, k -> new TreeMap<>()).put(capturedAt, status);
    }

    private void event(int i, String customer, long time) {
        String eventId = "e2e-" + i;
        if (i % 250 == 0) {
            String key = "poison-" + i;
            messages.add(new Message("crm.contacts", key, time, null, new byte[] {1, 2, 3, 4, 5, 6}));
            poisonedKeys.add(key);
            return;
        }
        List<String> purposes = new ArrayList<>();
        for (String purpose : EVENT_PURPOSES) {
            if (random.nextInt(3) == 0) {
                purposes.add(purpose);
            }
        }
        if (purposes.isEmpty()) {
            purposes.add(EVENT_PURPOSES.get(random.nextInt(EVENT_PURPOSES.size())));
        }
        Message message = switch (i % 3) {
            case 0 -> new Message("crm.contacts", customer, time, i % 7 == 0 ? contactV2(eventId, customer, time, purposes)
                    : contact(eventId, customer, time, purposes), null);
            case 1 -> new Message("crm.email-engagement", "campaign-" + (i % 13), time, engagement(eventId, customer, time, purposes), null);
            default -> new Message("crm.lead-scores", customer, time, leadScore(eventId, customer, time, purposes), null);
        };
        messages.add(message);
        decidedEventIds.add(eventId);
        for (String purpose : purposes) {
            if (!DECLARABLE.get(message.topic()).contains(purpose)) {
                continue;
            }
            expected(purpose, statusAt(customer, purpose, time)).ifPresent(decision ->
                    expectedByPurpose.get("crm.purpose." + purpose).put(eventId, decision));
        }
    }

    /**
     * The example policy for the purposes used: email and training drop without consent, analytics redacts where the
     * customer said nothing (a denial drops), essential is contract.
     *
     * @param status the status in force at the event's time; null when the customer said nothing about the purpose
     */
    private static java.util.Optional<String> expected(String purpose, ConsentStatus status) {
        boolean granted = status == ConsentStatus.GRANTED;
        return switch (purpose) {
            case EMAIL, TRAINING -> granted ? java.util.Optional.of("permit") : java.util.Optional.empty();
            case ANALYTICS -> granted ? java.util.Optional.of("permit") : status == null ? java.util.Optional.of("redact") : java.util.Optional.empty();
            case ESSENTIAL -> java.util.Optional.of("permit");
            default -> throw new IllegalArgumentException(purpose);
        };
    }

    private ConsentStatus statusAt(String customer, String purpose, long time) {
        TreeMap<Long, ConsentStatus> statuses = history.get(customer + "|" + purpose);
        Map.Entry<Long, ConsentStatus> inForce = statuses == null ? null : statuses.floorEntry(time);
        return inForce == null ? null : inForce.getValue();
    }

    /** How many decisions of each (purpose, decision) the expected outputs and drops add up to. */
    public Map<String, Long> expectedDecisionCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (Message message : messages) {
            if (message.value() == null || message.topic().equals("consent.events")) {
                continue;
            }
            String eventId = message.value().get(0).toString();
            @SuppressWarnings("unchecked")
            List<Object> purposes = (List<Object>) message.value().get(3);
            for (Object purpose : purposes) {
                String decision = expectedByPurpose.get("crm.purpose." + purpose).getOrDefault(eventId, "drop");
                counts.merge(purpose + "/" + decision, 1L, Long::sum);
            }
        }
        return counts;
    }

    private static String customer(int number) {
        return String.format("c-%04d", number);
    }

    public static SpecificRecord contact(String eventId, String customer, long time, List<String> purposes) {
        return ContactUpdated.newBuilder().setEventId(eventId).setCustomerId(customer).setOccurredAt(Instant.ofEpochMilli(time))
                .setPurposes(purposes).setEmail(customer + "@example.com").setFirstName("Ada").setLastName("Lovelace")
                .setPostalCode("94107").setGender("female").build();
    }

    private static GenericRecord contactV2(String eventId, String customer, long time, List<String> purposes) {
        GenericData.Record record = new GenericData.Record(CONTACT_V2);
        record.put("eventId", eventId);
        record.put("customerId", customer);
        record.put("occurredAt", time);
        record.put("purposes", purposes);
        record.put("email", customer + "@example.com");
        record.put("preferredLanguage", "pt-BR");
        return record;
    }

    public static SpecificRecord engagement(String eventId, String customer, long time, List<String> purposes) {
        return EmailEngagement.newBuilder().setEventId(eventId).setCustomerId(customer).setOccurredAt(Instant.ofEpochMilli(time))
                .setPurposes(purposes).setCampaignId("spring").setAction("opened").setEmail(customer + "@example.com").build();
    }

    public static SpecificRecord leadScore(String eventId, String customer, long time, List<String> purposes) {
        return LeadScoringFeatures.newBuilder().setEventId(eventId).setCustomerId(customer).setOccurredAt(Instant.ofEpochMilli(time))
                .setPurposes(purposes).setEmail(customer + "@example.com").setAgeBand("25-34").setLeadScore(0.5).build();
    }

    private static Schema contactV2() {
        Schema v1 = ContactUpdated.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        v1.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("preferredLanguage", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Added in version 2", org.apache.avro.JsonProperties.NULL_VALUE));
        Schema v2 = Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
        return v2;
    }
}
