package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.CONTACTS;
import static dev.consentgate.enforce.EnforcementDriver.ENGAGEMENT;
import static dev.consentgate.enforce.EnforcementDriver.contact;
import static dev.consentgate.enforce.EnforcementDriver.engagement;
import static dev.consentgate.enforce.EnforcementDriver.firstDecisions;
import static dev.consentgate.enforce.EnforcementDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.policy.KeyedHash;
import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.FramedAvro;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.util.Utf8;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19 case 12: a well-framed Avro value of a schema that is not a record (a string, a number, an
 * array, a union branch...) once threw a ClassCastException out of the reader processors, which Kafka
 * Streams does not hand to the processing exception handler, and stopped the service. Such values are
 * dead-lettered as NOT_A_RECORD, whole, and processing goes on; so are records missing a nested field
 * the input mapping names.
 */
class NonRecordValueTest {

    private static final String EMAIL = "marketing.communications.email";
    private static final String CONSENTS = "consent.events";
    private static final Schema STRING = Schema.create(Schema.Type.STRING);

    private EnforcementDriver driver = new EnforcementDriver(EnforcementDriver.examplePolicy());

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aStringSchemaValueOnAnInputTopicIsDeadLetteredWholeAndTheNextEventIsDecided() {
        // Given
        driver.consent("cust-s", EMAIL, ConsentStatus.GRANTED, 1_000);
        byte[] poison = driver.encodeValue(CONTACTS, STRING, "jane.doe@example.com");

        // When
        driver.sendRawWithHeader(CONTACTS, "cust-s", poison, "traceparent", "00-abc-01");
        driver.send(contact("e-after", "cust-s", 2_000, EMAIL));

        // Then
        assertThat(driver.records("consent.dlq")).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cust-s");
            assertThat(r.value()).isEqualTo(poison);
            assertThat(header(r, "consent-dlq-reason")).isEqualTo("NOT_A_RECORD");
            assertThat(header(r, "consent-dlq-detail")).isEqualTo("NOT_A_RECORD: value on topic 'crm.contacts' (schema id "
                    + FramedAvro.schemaId(poison) + ") is an Avro string, not a record");
            assertThat(header(r, "consent-dlq-topic")).isEqualTo(CONTACTS);
            assertThat(header(r, "consent-dlq-partition")).isEqualTo("0");
            assertThat(header(r, "consent-dlq-offset")).isEqualTo("0");
            assertThat(header(r, "traceparent")).isEqualTo("00-abc-01");
        });
        assertThat(firstDecisions(driver.audits())).containsExactly("e-after:PERMIT:CONSENT_GRANTED");
        assertThat(driver.purpose(EMAIL)).extracting(r -> header(r, "consent-event-id")).containsExactly("e-after");
    }

    @Test
    void aStringSchemaValueOnTheConsentTopicIsDeadLetteredAndTheNextConsentEventStillCounts() {
        // Given
        byte[] poison = driver.encodeValue(CONSENTS, STRING, "GRANTED");

        // When
        driver.sendRaw(CONSENTS, "cust-c", poison);
        driver.consent("cust-c", EMAIL, ConsentStatus.GRANTED, 1_000);
        driver.send(contact("e-c", "cust-c", 2_000, EMAIL));

        // Then
        assertThat(driver.records("consent.dlq")).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cust-c");
            assertThat(r.value()).isEqualTo(poison);
            assertThat(header(r, "consent-dlq-reason")).isEqualTo("NOT_A_RECORD");
            assertThat(header(r, "consent-dlq-detail")).isEqualTo("NOT_A_RECORD: value on topic 'consent.events' (schema id "
                    + FramedAvro.schemaId(poison) + ") is an Avro string, not a record");
            assertThat(header(r, "consent-dlq-topic")).isEqualTo(CONSENTS);
            assertThat(header(r, "consent-dlq-offset")).isEqualTo("0");
        });
        assertThat(firstDecisions(driver.audits())).containsExactly("e-c:PERMIT:CONSENT_GRANTED");
    }

    /** A value of each non-record shape, with the Avro type the detail names. */
    static Stream<Arguments> nonRecordValues() {
        Schema contactOrString = SchemaBuilder.unionOf().nullType().and().type(ContactUpdated.getClassSchema()).and().stringType().endUnion();
        Schema status = SchemaBuilder.enumeration("Status").namespace("test").symbols("GRANTED", "DENIED");
        return Stream.of(
                Arguments.of("int", Schema.create(Schema.Type.INT), 42),
                Arguments.of("long", Schema.create(Schema.Type.LONG), 42L),
                Arguments.of("boolean", Schema.create(Schema.Type.BOOLEAN), true),
                Arguments.of("bytes", Schema.create(Schema.Type.BYTES), ByteBuffer.wrap(new byte[] {1, 2})),
                Arguments.of("null", Schema.create(Schema.Type.NULL), null),
                Arguments.of("array", SchemaBuilder.array().items().stringType(), List.of(new Utf8("cust-1"), new Utf8(EMAIL))),
                Arguments.of("map", SchemaBuilder.map().values().stringType(), Map.of(new Utf8("customerId"), new Utf8("cust-1"))),
                Arguments.of("enum", status, new GenericData.EnumSymbol(status, "GRANTED")),
                Arguments.of("int", SchemaBuilder.unionOf().intType().and().stringType().endUnion(), 7),
                Arguments.of("string", contactOrString, "cust-1"),
                Arguments.of("null", contactOrString, null));
    }

    static Stream<Arguments> nonRecordValuesOnEveryTopicKind() {
        // Contacts are keyed by customer id; engagement events are repartitioned first; consent events are read apart.
        return Stream.of(CONTACTS, ENGAGEMENT, CONSENTS)
                .flatMap(topic -> nonRecordValues().map(a -> Arguments.of(topic, a.get()[0], a.get()[1], a.get()[2])));
    }

    @ParameterizedTest(name = "{1} of {2} on {0}")
    @MethodSource("nonRecordValuesOnEveryTopicKind")
    void aValueOfAnyNonRecordSchemaIsDeadLetteredAndTheNextEventIsDecided(String topic, String avroType, Schema schema, Object value) {
        // Given
        driver.consent("cust-n", EMAIL, ConsentStatus.GRANTED, 1_000);
        byte[] poison = driver.encodeValue(topic, schema, value);

        // When
        driver.sendRaw(topic, "cust-n", poison);
        driver.send(ENGAGEMENT, "cust-n", engagement("e-next", "cust-n", 2_000, EMAIL), 2_000);

        // Then
        List<TestRecord<byte[], byte[]>> dlq = driver.records("consent.dlq");
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail")).containsExactly(
                "NOT_A_RECORD: NOT_A_RECORD: value on topic '" + topic + "' (schema id " + FramedAvro.schemaId(poison) + ") is an Avro "
                        + avroType + ", not a record");
        assertThat(dlq.get(0).value()).isEqualTo(poison);
        assertThat(new String(dlq.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("cust-n");
        assertThat(header(dlq.get(0), "consent-dlq-topic")).isEqualTo(topic);
        assertThat(firstDecisions(driver.audits())).containsExactly("e-next:PERMIT:CONSENT_GRANTED");
    }

    @Test
    void aUnionWhoseWrittenBranchIsARecordIsDecidedAsThatRecord() {
        // Given
        Schema optionalContact = SchemaBuilder.unionOf().nullType().and().type(ContactUpdated.getClassSchema()).endUnion();
        driver.consent("cust-u", EMAIL, ConsentStatus.GRANTED, 1_000);

        // When
        // The generic form of the contact: the generic writer knows no logical-type conversions.
        GenericRecord record = driver.decode(CONTACTS, driver.encode(CONTACTS, contact("e-u", "cust-u", 2_000, EMAIL)));
        driver.sendRaw(CONTACTS, "cust-u", driver.encodeValue(CONTACTS, optionalContact, record));

        // Then
        assertThat(driver.records("consent.dlq")).isEmpty();
        assertThat(firstDecisions(driver.audits())).containsExactly("e-u:PERMIT:CONSENT_GRANTED");
    }

    // ---- a mapped field below a nested record

    private static final String NESTED = "crm.nested";
    private static final Schema CONTACT = SchemaBuilder.record("Contact").namespace("test").fields()
            .requiredString("id").endRecord();
    private static final Schema NAMELESS_CONTACT = SchemaBuilder.record("NamelessContact").namespace("test").fields()
            .requiredString("name").endRecord();

    /** {@code contact} as a union of null, a record with an {@code id}, one without, and a string. */
    private static final Schema WITH_CONTACT = SchemaBuilder.record("WithContact").namespace("test").fields()
            .name("contact").type(SchemaBuilder.unionOf().nullType().and().type(CONTACT).and().type(NAMELESS_CONTACT)
                    .and().stringType().endUnion()).noDefault()
            .name("purposes").type().array().items().stringType().noDefault()
            .requiredLong("occurredAt")
            .endRecord();
    private static final Schema WITHOUT_CONTACT = SchemaBuilder.record("WithoutContact").namespace("test").fields()
            .name("purposes").type().array().items().stringType().noDefault()
            .requiredLong("occurredAt")
            .endRecord();

    /** The example policy with one more input, placed after its others (the signals section follows them). */
    private static String policyWithNestedCustomerId() {
        return EnforcementDriver.examplePolicy().replace("\n# Privacy signals", """

                  - topic: crm.nested
                    customer_id: { field: contact.id }
                    purposes: { field: purposes }
                    event_time: { field: occurredAt }
                    keyed_by_customer_id: false

                # Privacy signals""");
    }

    private static GenericRecord withContact(Object contact) {
        return new GenericRecordBuilder(WITH_CONTACT).set("contact", contact).set("purposes", List.of(EMAIL)).set("occurredAt", 2_000L).build();
    }

    @Test
    void aRecordWhoseMappedNestedFieldIsAbsentIsDeadLetteredAndTheNextEventIsDecided() {
        // Given: customer_id is contact.id
        driver.close();
        driver = new EnforcementDriver(policyWithNestedCustomerId());
        driver.consent("cust-d", EMAIL, ConsentStatus.GRANTED, 1_000);
        List<byte[]> broken = List.of(
                driver.encodeGeneric(NESTED, withContact(null)),
                driver.encodeGeneric(NESTED, withContact("cust-d")),
                driver.encodeGeneric(NESTED, withContact(new GenericRecordBuilder(NAMELESS_CONTACT).set("name", "Jane").build())),
                driver.encodeGeneric(NESTED, new GenericRecordBuilder(WITHOUT_CONTACT).set("purposes", List.of(EMAIL)).set("occurredAt", 2_000L).build()));

        // When
        for (int i = 0; i < broken.size(); i++) {
            driver.sendRaw(NESTED, "k-" + i, broken.get(i));
        }
        driver.sendRaw(NESTED, "k-valid", driver.encodeGeneric(NESTED, withContact(new GenericRecordBuilder(CONTACT).set("id", "cust-d").build())));

        // Then
        List<TestRecord<byte[], byte[]>> dlq = driver.records("consent.dlq");
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-reason") + ": " + header(r, "consent-dlq-detail"))
                .containsOnly("MISSING_CUSTOMER_ID: no customer id at field contact.id").hasSize(4);
        assertThat(dlq).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("k-0", "k-1", "k-2", "k-3");
        assertThat(dlq).extracting(TestRecord::value).containsExactlyElementsOf(broken);
        assertThat(dlq).extracting(r -> header(r, "consent-dlq-offset")).containsExactly("0", "1", "2", "3");
        assertThat(driver.audits()).singleElement().satisfies(audit -> {
            assertThat(audit.getCustomerIdHmac()).isEqualTo(new KeyedHash(EnforcementDriver.HMAC_KEY.getBytes(StandardCharsets.UTF_8)).hex("cust-d"));
            assertThat(firstDecisions(List.of(audit))).containsExactly(NESTED + "-0-4:PERMIT:CONSENT_GRANTED");
        });
        assertThat(driver.purpose(EMAIL)).hasSize(1);
    }
}
