package dev.consentgate.reliability;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.ENGAGEMENT;
import static dev.consentgate.enforce.EnforcementDriver.LEAD_SCORES;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.engagement;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static dev.consentgate.enforce.EnforcementDriver.leadScore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.enforce.EnforcementDriver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed records of every kind the wire can carry (well-framed values of non-record schemas included), interleaved with 500 valid CRM events and
 * 100 valid consent events, on all three input topics and the consent topic: each malformed record
 * lands in the dead-letter topic with its reason and source position, each valid event gets exactly
 * one audit record, and no exception ever escapes the topology. The seed is fixed, so a failure
 * reproduces.
 */
class MalformedInputFuzzTest {

    private static final long SEED = 20_261_122L;
    private static final int MALFORMED = 10_000;
    private static final int VALID_EVENTS = 500;
    private static final int VALID_CONSENTS = 100;
    private static final int OVERSIZED = 6;
    private static final int ONE_MEGABYTE = 1 << 20;
    private static final int CUSTOMERS = 50;

    private static final String CONSENTS = "consent.events";
    private static final List<String> TOPICS = List.of(CONTACTS, ENGAGEMENT, LEAD_SCORES, CONSENTS);
    private static final String EMAIL = "marketing.communications.email";

    /** Valid Avro, registered under the input topic's subject, that lacks the envelope field a mapping needs. */
    private static final Schema NO_CUSTOMER = SchemaBuilder.record("Heartbeat").namespace("fuzz").fields()
            .requiredString("eventId").requiredLong("occurredAt").endRecord();
    private static final Schema NO_PURPOSES = SchemaBuilder.record("Ping").namespace("fuzz").fields()
            .requiredString("eventId").requiredString("customerId").requiredLong("occurredAt").endRecord();
    private static final Schema NO_EVENT_TIME = SchemaBuilder.record("Note").namespace("fuzz").fields()
            .requiredString("eventId").requiredString("customerId")
            .name("purposes").type().array().items().stringType().noDefault().endRecord();

    private static final Schema STATUS = SchemaBuilder.enumeration("Status").namespace("fuzz").symbols("GRANTED", "DENIED");

    /** How a record is broken, and the dead-letter reason each topic kind must give it. */
    enum Kind {
        RANDOM_BYTES("BAD_MAGIC_BYTE", "BAD_MAGIC_BYTE"),
        SHORTER_THAN_HEADER("TRUNCATED", "TRUNCATED"),
        WRONG_MAGIC_BYTE("BAD_MAGIC_BYTE", "BAD_MAGIC_BYTE"),
        UNKNOWN_SCHEMA_ID("UNKNOWN_SCHEMA_ID", "UNKNOWN_SCHEMA_ID"),
        TRUNCATED_AVRO("MALFORMED_AVRO", "MALFORMED_AVRO"),
        TRAILING_BYTES("MALFORMED_AVRO", "MALFORMED_AVRO"),
        OTHER_SCHEMA_WITHOUT_CUSTOMER("MISSING_CUSTOMER_ID", "INVALID_CONSENT_EVENT"),
        OTHER_SCHEMA_WITHOUT_PURPOSES("MISSING_PURPOSES", "INVALID_CONSENT_EVENT"),
        OTHER_SCHEMA_WITHOUT_EVENT_TIME("MISSING_EVENT_TIME", "INVALID_CONSENT_EVENT"),
        INVALID_PURPOSE("INVALID_PURPOSE", "INVALID_CONSENT_EVENT"),
        BEFORE_1970("INVALID_EVENT_TIME", "INVALID_CONSENT_EVENT"),
        NULL_VALUE("NULL_VALUE", "NULL_VALUE"),
        NOT_A_RECORD("NOT_A_RECORD", "NOT_A_RECORD");

        final String crmReason;
        final String consentReason;

        Kind(String crmReason, String consentReason) {
            this.crmReason = crmReason;
            this.consentReason = consentReason;
        }

        String reasonOn(String topic) {
            return topic.equals(CONSENTS) ? consentReason : crmReason;
        }
    }

    /** One record to send; {@code expectedReason} is null for a valid one. */
    record Send(String topic, String key, byte[] value, String expectedReason, String validEventId) {
    }

    /** Where a record landed on its input topic (one partition each): the dead-letter headers must name it. */
    record Position(String topic, long offset) {
    }

    private final Random random = new Random(SEED);
    private final EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void everyMalformedRecordIsDeadLetteredWithItsReasonAndEveryValidEventIsAuditedOnce() {
        // Given: malformed and valid records in one shuffled order, with big ones among them
        List<Send> sends = new ArrayList<>();
        for (int i = 0; i < MALFORMED - OVERSIZED; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            String topic = TOPICS.get(random.nextInt(TOPICS.size()));
            // Consent events are keyed by their customer: so keyed, a broken one gets past the key check to its content.
            String key = topic.equals(CONSENTS) ? "cust-1" : "malformed-" + i;
            sends.add(new Send(topic, key, malformed(kind, topic), kind.reasonOn(topic), null));
        }
        for (int i = 0; i < OVERSIZED; i++) {
            byte[] huge = new byte[ONE_MEGABYTE];
            random.nextBytes(huge);
            huge[0] = (byte) (1 + random.nextInt(255));
            sends.add(new Send(TOPICS.get(i % TOPICS.size()), "oversized-" + i, huge, "BAD_MAGIC_BYTE", null));
        }
        for (int i = 0; i < VALID_CONSENTS; i++) {
            String customer = "cust-" + (i % CUSTOMERS);
            sends.add(new Send(CONSENTS, customer, driver.encode(CONSENTS, consent(customer, i)), null, null));
        }
        for (int i = 0; i < VALID_EVENTS; i++) {
            String topic = TOPICS.get(i % 3);
            String eventId = "valid-" + i;
            String customer = "cust-" + random.nextInt(CUSTOMERS);
            sends.add(new Send(topic, customer, driver.encode(topic, validEvent(topic, eventId, customer, 5_000)), null, eventId));
        }
        Collections.shuffle(sends, random);

        // When: each record is piped in on its own, and none may throw
        Map<String, Long> nextOffset = new HashMap<>();
        Map<Position, Send> malformedAt = new HashMap<>();
        for (Send send : sends) {
            long offset = nextOffset.merge(send.topic(), 1L, Long::sum) - 1;
            if (send.expectedReason() != null) {
                malformedAt.put(new Position(send.topic(), offset), send);
            }
            assertThatNoException().as("%s at offset %d of %s", send.key(), offset, send.topic())
                    .isThrownBy(() -> driver.sendRaw(send.topic(), send.key(), send.value()));
        }

        // Then: exactly the malformed records are dead-lettered, each once, with its reason, key and bytes
        List<TestRecord<byte[], byte[]>> deadLetters = driver.records("consent.dlq");
        assertThat(deadLetters).hasSize(MALFORMED);
        List<String> wrong = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        for (TestRecord<byte[], byte[]> deadLetter : deadLetters) {
            String reason = header(deadLetter, "consent-dlq-reason");
            reasons.merge(reason, 1, Integer::sum);
            Position position = new Position(header(deadLetter, "consent-dlq-topic"), Long.parseLong(header(deadLetter, "consent-dlq-offset")));
            Send sent = malformedAt.remove(position);
            if (sent == null) {
                wrong.add(position + " is not a malformed record, or was dead-lettered twice: " + reason);
            } else if (!sent.expectedReason().equals(reason)
                    || !sent.key().equals(new String(deadLetter.key(), StandardCharsets.UTF_8))
                    || !Arrays.equals(sent.value(), deadLetter.value())) {
                wrong.add(position + ": expected " + sent.expectedReason() + " for key " + sent.key() + ", got " + reason
                        + " (" + header(deadLetter, "consent-dlq-detail") + ")");
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(malformedAt).as("malformed records missing from the dead-letter topic").isEmpty();
        assertThat(reasons).isEqualTo(expectedReasonCounts(sends));

        // And: every valid event has exactly one audit record
        List<String> audited = driver.audits().stream().map(DecisionRecord::getEventId).toList();
        assertThat(audited).hasSize(VALID_EVENTS)
                .containsExactlyInAnyOrderElementsOf(sends.stream().map(Send::validEventId).filter(id -> id != null).toList());
    }

    /** Found by the fuzzing above: both threw out of the consent reader or the store and stopped the topology. */
    @Test
    void aConsentEventOfAnotherSchemaOrFromBefore1970IsDeadLetteredAndProcessingGoesOn() {
        // Given: keyed by their customer, so they pass the key check
        GenericRecord otherSchema = new GenericRecordBuilder(NO_PURPOSES)
                .set("eventId", "ping-1").set("customerId", "cust-7").set("occurredAt", 2_000L).build();
        ConsentEvent before1970 = ConsentEvent.newBuilder(consent("cust-7", 0)).setCapturedAt(Instant.ofEpochMilli(-1_000)).build();

        // When
        driver.sendRaw(CONSENTS, "cust-7", driver.encodeGeneric(CONSENTS, otherSchema));
        driver.sendRaw(CONSENTS, "cust-7", driver.encode(CONSENTS, before1970));
        driver.send(contact("e-after", "cust-7", 5_000, EMAIL));

        // Then
        assertThat(driver.records("consent.dlq")).extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail"))
                .containsExactly(
                        "INVALID_CONSENT_EVENT: consent event without a purpose",
                        "INVALID_CONSENT_EVENT: capture time is before 1970");
        assertThat(driver.audits()).extracting(a -> a.getEventId() + ":" + a.getDecisions().get(0).getReasons())
                .containsExactly("e-after:[UNKNOWN_CUSTOMER]");
    }

    private static Map<String, Integer> expectedReasonCounts(List<Send> sends) {
        Map<String, Integer> counts = new TreeMap<>();
        sends.stream().filter(s -> s.expectedReason() != null).forEach(s -> counts.merge(s.expectedReason(), 1, Integer::sum));
        return counts;
    }

    private byte[] malformed(Kind kind, String topic) {
        return switch (kind) {
            case RANDOM_BYTES -> {
                byte[] bytes = randomBytes(5 + random.nextInt(300));
                bytes[0] = (byte) (1 + random.nextInt(255));
                yield bytes;
            }
            case SHORTER_THAN_HEADER -> randomBytes(random.nextInt(5));
            case WRONG_MAGIC_BYTE -> {
                byte[] bytes = valid(topic);
                bytes[0] = (byte) (1 + random.nextInt(255));
                yield bytes;
            }
            case UNKNOWN_SCHEMA_ID -> {
                byte[] bytes = valid(topic);
                // Ids of this in-memory registry count up from 1; these are far beyond any registered.
                ByteBuffer.wrap(bytes).putInt(1, 1_000_000 + random.nextInt(1_000_000));
                yield bytes;
            }
            case TRUNCATED_AVRO -> {
                byte[] bytes = valid(topic);
                yield Arrays.copyOf(bytes, 5 + random.nextInt(bytes.length - 5));
            }
            case TRAILING_BYTES -> {
                byte[] bytes = valid(topic);
                yield Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
            }
            case OTHER_SCHEMA_WITHOUT_CUSTOMER -> driver.encodeGeneric(topic, new GenericRecordBuilder(NO_CUSTOMER)
                    .set("eventId", "other-" + random.nextInt()).set("occurredAt", 2_000L).build());
            case OTHER_SCHEMA_WITHOUT_PURPOSES -> driver.encodeGeneric(topic, new GenericRecordBuilder(NO_PURPOSES)
                    .set("eventId", "other-" + random.nextInt()).set("customerId", "cust-1").set("occurredAt", 2_000L).build());
            case OTHER_SCHEMA_WITHOUT_EVENT_TIME -> driver.encodeGeneric(topic, new GenericRecordBuilder(NO_EVENT_TIME)
                    .set("eventId", "other-" + random.nextInt()).set("customerId", "cust-1").set("purposes", List.of(EMAIL)).build());
            case INVALID_PURPOSE -> topic.equals(CONSENTS)
                    ? driver.encode(topic, ConsentEvent.newBuilder(consent("cust-1", 0)).setPurpose("Marketing Emails!").build())
                    : driver.encode(topic, validEvent(topic, "bad-purpose", "cust-1", 5_000, "Marketing Emails!"));
            case BEFORE_1970 -> topic.equals(CONSENTS)
                    ? driver.encode(topic, ConsentEvent.newBuilder(consent("cust-1", 0)).setCapturedAt(Instant.ofEpochMilli(-1_000)).build())
                    : driver.encode(topic, validEvent(topic, "before-1970", "cust-1", -1_000));
            case NULL_VALUE -> null;
            case NOT_A_RECORD -> notARecord(topic);
        };
    }

    /** Well-framed Avro of a non-record schema, of a shape picked at random: a primitive, a collection, an enum or a union branch. */
    private byte[] notARecord(String topic) {
        String text = "not-a-record-" + random.nextInt(1_000);
        return switch (random.nextInt(8)) {
            case 0 -> driver.encodeValue(topic, Schema.create(Schema.Type.STRING), text);
            case 1 -> driver.encodeValue(topic, Schema.create(Schema.Type.INT), random.nextInt());
            case 2 -> driver.encodeValue(topic, Schema.create(Schema.Type.DOUBLE), random.nextDouble());
            case 3 -> driver.encodeValue(topic, SchemaBuilder.array().items().stringType(), List.of(text, EMAIL));
            case 4 -> driver.encodeValue(topic, SchemaBuilder.map().values().longType(), Map.of(text, random.nextLong()));
            case 5 -> driver.encodeValue(topic, STATUS, new GenericData.EnumSymbol(STATUS, "DENIED"));
            case 6 -> driver.encodeValue(topic, SchemaBuilder.unionOf().nullType().and().type(NO_PURPOSES).and().stringType().endUnion(),
                    random.nextBoolean() ? text : null);
            default -> driver.encodeValue(topic, SchemaBuilder.unionOf().longType().and().stringType().endUnion(), random.nextLong());
        };
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] valid(String topic) {
        SpecificRecord record = topic.equals(CONSENTS) ? consent("cust-1", 0) : validEvent(topic, "broken", "cust-1", 5_000);
        return driver.encode(topic, record);
    }

    private static ConsentEvent consent(String customer, int n) {
        return ConsentEvent.newBuilder()
                .setCustomerId(customer).setPurpose(n % 2 == 0 ? "marketing" : "analytics").setStatus(ConsentStatus.GRANTED)
                .setCapturedAt(Instant.ofEpochMilli(1_000 + n)).setJurisdiction("EU").build();
    }

    private static SpecificRecord validEvent(String topic, String eventId, String customer, long occurredAt, String... purposes) {
        String[] declared = purposes.length == 0 ? new String[] {EMAIL, "analytics.reporting"} : purposes;
        return switch (topic) {
            case CONTACTS -> contact(eventId, customer, occurredAt, declared);
            case ENGAGEMENT -> engagement(eventId, customer, occurredAt, declared);
            default -> leadScore(eventId, customer, occurredAt, declared);
        };
    }
}
