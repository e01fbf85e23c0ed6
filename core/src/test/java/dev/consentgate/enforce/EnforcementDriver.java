package dev.consentgate.enforce;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.consent.ConsentHistory;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.sample.ContactUpdated;
import dev.consentgate.sample.EmailEngagement;
import dev.consentgate.sample.LeadScoringFeatures;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentSignal;
import dev.consentgate.schema.SignalKind;
import dev.consentgate.schema.ConsentEventType;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.serde.FramedAvro;
import dev.consentgate.serde.InMemorySchemaRegistry;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the enforcement topology, with the sample schemas and an in-memory registry. */
public final class EnforcementDriver implements AutoCloseable {

    public static final String HMAC_KEY = "test-hmac-key-0123456789-abcdefghijklmnopqrstuv";
    public static final String CONTACTS = "crm.contacts";
    public static final String ENGAGEMENT = "crm.email-engagement";
    public static final String LEAD_SCORES = "crm.lead-scores";
    public static final String SIGNALS = "consent.signals";

    private final TopologyTestDriver driver;
    /** Each driver's own state directory: the default /tmp/kafka-streams/<application id> is shared by every JVM on the machine. */
    private final File stateDir;
    private final String scope = "enforcement-" + UUID.randomUUID();
    private final ConfluentAvroSerializer serializer;
    private final ConfluentAvroDeserializer genericReader;
    private final ConfluentAvroDeserializer specificReader;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
    /** Every value piped into each input topic, at its offset: what the erasure lookups read a request back from. */
    private final Map<String, List<byte[]>> piped = new HashMap<>();
    /** Every record the topology wrote to each topic, at its offset, and those a test has not read yet. */
    private final Map<String, List<TestRecord<byte[], byte[]>>> written = new HashMap<>();
    private final Map<String, List<TestRecord<byte[], byte[]>>> unread = new HashMap<>();

    public EnforcementDriver(String policyYaml, Map<String, Object> overrides) {
        this(policyYaml, overrides, 1);
    }

    /**
     * A driver whose topology believes the consent topic has {@code partitions} partitions. The test driver has one
     * (every record arrives on partition 0), so the records of customers whose partition is another are misplaced.
     */
    public EnforcementDriver(String policyYaml, Map<String, Object> overrides, int partitions) {
        Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", "mock://" + scope);
        config.put(ConsentGateConfig.HMAC_KEY, HMAC_KEY);
        config.putAll(overrides);
        Policy policy = PolicyParser.parse("policy.yaml", policyYaml.getBytes(StandardCharsets.UTF_8));

        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "consentgate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(config);
        try {
            stateDir = Files.createTempDirectory("consentgate-driver-").toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getAbsolutePath());
        driver = new TopologyTestDriver(EnforcementTopology.build(policy, config, EnforcementMetrics.noop(), partitions, Optional.empty(),
                ErasureLookups.Factory.answeringAtOnce((appConfigs, clientId) -> new DriverErasureLookups(this))), props);

        serializer = new ConfluentAvroSerializer();
        serializer.configure(config, false);
        genericReader = new ConfluentAvroDeserializer();
        genericReader.configure(config, false);
        Map<String, Object> specific = new HashMap<>(config);
        specific.put("specific.avro.reader", true);
        specificReader = new ConfluentAvroDeserializer();
        specificReader.configure(specific, false);
    }

    public EnforcementDriver(String policyYaml) {
        this(policyYaml, Map.of());
    }

    public static String examplePolicy() {
        try (InputStream in = EnforcementDriver.class.getResourceAsStream("/policy/example-policy.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- input

    public void consent(String customerId, String purpose, ConsentStatus status, long capturedAt, Long expiresAt, String jurisdiction) {
        consent(consentEvent(customerId, purpose, status, capturedAt, expiresAt, jurisdiction));
    }

    /** Sends a consent event keyed by its customer id, stamped with its capture time. */
    public void consent(ConsentEvent event) {
        pipe("consent.events", event.getCustomerId(), event, event.getCapturedAt().toEpochMilli());
    }

    /** The consent event {@link #consent(String, String, ConsentStatus, long, Long, String)} sends, for tests that keep what they sent. */
    public static ConsentEvent consentEvent(String customerId, String purpose, ConsentStatus status, long capturedAt, Long expiresAt,
                                            String jurisdiction) {
        return ConsentEvent.newBuilder()
                .setConsentId("consent-" + customerId + "-" + capturedAt)
                .setCustomerId(customerId)
                .setPurpose(purpose)
                .setStatus(status)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setExpiresAt(expiresAt == null ? null : Instant.ofEpochMilli(expiresAt))
                .setJurisdiction(jurisdiction)
                .setSource("web-banner")
                .setNoticeVersion("notice-7")
                .build();
    }

    public void consent(String customerId, String purpose, ConsentStatus status, long capturedAt) {
        consent(customerId, purpose, status, capturedAt, null, "EU");
    }

    public void erasure(String customerId, long capturedAt) {
        consent(erasureEvent(customerId, capturedAt));
    }

    /** The erasure request {@link #erasure} sends. */
    public static ConsentEvent erasureEvent(String customerId, long capturedAt) {
        return ConsentEvent.newBuilder()
                .setType(ConsentEventType.ERASURE)
                .setCustomerId(customerId)
                .setStatus(ConsentStatus.DENIED)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setSource("dsar-portal")
                .build();
    }

    /** A privacy signal on the signals topic, captured at {@code capturedAt}, with its id made from the customer and the time. */
    public void signal(String customerId, SignalKind kind, String value, long capturedAt, String jurisdiction) {
        ConsentSignal signal = ConsentSignal.newBuilder()
                .setSignalId("signal-" + customerId + "-" + capturedAt)
                .setCustomerId(customerId)
                .setKind(kind)
                .setValue(value)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setJurisdiction(jurisdiction)
                .setSource("web-cmp")
                .build();
        pipe(SIGNALS, customerId, signal, capturedAt);
    }

    public static ContactUpdated contact(String eventId, String customerId, long occurredAt, String... purposes) {
        return ContactUpdated.newBuilder()
                .setEventId(eventId)
                .setCustomerId(customerId)
                .setOccurredAt(Instant.ofEpochMilli(occurredAt))
                .setPurposes(List.of(purposes))
                .setEmail("jane.doe@example.com")
                .setFirstName("Jane")
                .setLastName("Doe")
                .setPhone("+44 20 7946 0958")
                .setPostalCode("94107")
                .setCountry("GB")
                .setBirthDate(LocalDate.of(1987, 3, 14))
                .setGender("female")
                .setLifecycleStage("lead")
                .build();
    }

    public static LeadScoringFeatures leadScore(String eventId, String customerId, long occurredAt, String... purposes) {
        return LeadScoringFeatures.newBuilder()
                .setEventId(eventId)
                .setCustomerId(customerId)
                .setOccurredAt(Instant.ofEpochMilli(occurredAt))
                .setPurposes(List.of(purposes))
                .setEmail("jane.doe@example.com")
                .setPostalCode("94107")
                .setAgeBand("35-44")
                .setGender("female")
                .setPageViews30d(42)
                .setEmailOpens30d(7)
                .setLeadScore(0.83)
                .build();
    }

    public static EmailEngagement engagement(String eventId, String customerId, long occurredAt, String... purposes) {
        return EmailEngagement.newBuilder()
                .setEventId(eventId)
                .setCustomerId(customerId)
                .setOccurredAt(Instant.ofEpochMilli(occurredAt))
                .setPurposes(List.of(purposes))
                .setCampaignId("spring-sale")
                .setAction("clicked")
                .setEmail("jane.doe@example.com")
                .setIpAddress("203.0.113.7")
                .setUserAgent("Mozilla/5.0")
                .build();
    }

    /** Sends a CRM event keyed by its customer id; returns the bytes sent. */
    public byte[] send(String topic, String customerId, SpecificRecord event, long timestamp) {
        return pipe(topic, customerId, event, timestamp);
    }

    public byte[] send(ContactUpdated contact) {
        return send(CONTACTS, contact.getCustomerId(), contact, contact.getOccurredAt().toEpochMilli());
    }

    public void sendRaw(String topic, String key, byte[] value) {
        input(topic, value).pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    public void sendRawWithHeader(String topic, String key, byte[] value, String header, String headerValue) {
        sendRawWithHeaders(topic, key, value, 0, header, headerValue);
    }

    /** Sends raw bytes with headers given as name, value, name, value... */
    public void sendRawWithHeaders(String topic, String key, byte[] value, long timestamp, String... namesAndValues) {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        input(topic, value).pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), value, headers, Instant.ofEpochMilli(timestamp)));
    }

    public byte[] encodeGeneric(String topic, GenericRecord record) {
        return serializer.serialize(topic, record);
    }

    /** Any Avro value, of any schema, registered under the topic's value subject and framed in the wire format. */
    public byte[] encodeValue(String topic, Schema schema, Object value) {
        return FramedAvro.frame(InMemorySchemaRegistry.scope(scope), topic, schema, value);
    }

    public byte[] encode(String topic, SpecificRecord record) {
        return serializer.serialize(topic, record);
    }

    private byte[] pipe(String topic, String key, SpecificRecord record, long timestamp) {
        byte[] value = serializer.serialize(topic, record);
        input(topic, value).pipeInput(key.getBytes(StandardCharsets.UTF_8), value, timestamp);
        return value;
    }

    /** The topic's input, noting {@code value} as the next record piped into it. */
    private TestInputTopic<byte[], byte[]> input(String topic, byte[] value) {
        piped.computeIfAbsent(topic, t -> new ArrayList<>()).add(value);
        return inputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** The value piped into {@code topic} at {@code offset}, or written there by the topology (a rerouted request). */
    byte[] valueAt(String topic, long offset) {
        List<byte[]> values = piped.get(topic);
        if (values != null) {
            return offset < values.size() ? values.get((int) offset) : null;
        }
        List<TestRecord<byte[], byte[]>> records = writtenTo(topic);
        return offset < records.size() ? records.get((int) offset).value() : null;
    }

    // ---- output

    /** What the topology wrote to {@code topic} since the test last asked. */
    public List<TestRecord<byte[], byte[]>> records(String topic) {
        collect(topic);
        List<TestRecord<byte[], byte[]>> fresh = unread.remove(topic);
        return fresh == null ? new ArrayList<>() : fresh;
    }

    /** Everything the topology wrote to {@code topic}, in order: a record's index is its offset (the driver has one partition). */
    List<TestRecord<byte[], byte[]>> writtenTo(String topic) {
        collect(topic);
        return written.getOrDefault(topic, List.of());
    }

    private void collect(String topic) {
        List<TestRecord<byte[], byte[]>> fresh = outputs
                .computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
                .readRecordsToList();
        written.computeIfAbsent(topic, t -> new ArrayList<>()).addAll(fresh);
        unread.computeIfAbsent(topic, t -> new ArrayList<>()).addAll(fresh);
    }

    public <K, V> KeyValueStore<K, V> keyValueStore(String name) {
        return driver.getKeyValueStore(name);
    }

    public List<TestRecord<byte[], byte[]>> purpose(String purpose) {
        return records("crm.purpose." + purpose);
    }

    public List<DecisionRecord> audits() {
        return records("consent.audit").stream().map(r -> audit(r.value())).toList();
    }

    /** Each audit record as {@code eventId:decision:reasons} of its first purpose's decision. */
    public static List<String> firstDecisions(List<DecisionRecord> audits) {
        return audits.stream().map(a -> a.getEventId() + ":" + a.getDecisions().get(0).getDecision()
                + ":" + String.join(",", a.getDecisions().get(0).getReasons())).toList();
    }

    /** Decodes one audit value, for tests that also look at its bytes. */
    public DecisionRecord audit(byte[] value) {
        return (DecisionRecord) specificReader.deserialize("consent.audit", value);
    }

    /** Decodes a value of a topic written with one of the project's generated classes, as that class. */
    public SpecificRecord decodeSpecific(String topic, byte[] value) {
        return (SpecificRecord) specificReader.deserialize(topic, value);
    }

    public GenericRecord decode(String topic, byte[] value) {
        return genericReader.decode(topic, value).record();
    }

    /** The names of a record's top-level fields, in schema order. */
    public static List<String> fieldNames(GenericRecord record) {
        return record.getSchema().getFields().stream().map(Schema.Field::name).toList();
    }

    public static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(scope);
        try {
            Utils.delete(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
