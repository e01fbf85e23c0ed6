package dev.consentgate.bench.e2e;

import dev.consentgate.bench.SampleContacts;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Preloads the consent topic and the contacts topic. Customers: nine in ten consented to
 * {@code marketing} (which covers email and advertising) and {@code analytics.reporting}; one in ten
 * never consented; one consenting customer in twenty withdraws marketing while events flow. Each
 * event declares two purposes, cycling through pairs that take every decision path of the example
 * policy (consent, inherited consent, contract, legitimate interest, no consent, redaction).
 */
final class Workload {

    private static final List<List<String>> PURPOSE_PAIRS = List.of(
            List.of("marketing.communications.email", "analytics.reporting"),
            List.of("analytics.reporting", "train_ai_system"),
            List.of("marketing.advertising", "essential.service"),
            List.of("personalize.profiling", "marketing.communications.email"));

    private final int events;
    private final int customers;
    private final long start;
    private final long spacingMs;
    private final Random random = new Random(42);

    /** Event times span the two hours before now: recent enough for any retention, old enough to be all past. */
    Workload(int events, int customers) {
        this.events = events;
        this.customers = customers;
        long span = Duration.ofHours(2).toMillis();
        this.start = Instant.now().toEpochMilli() - span;
        this.spacingMs = Math.max(1, span / events);
    }

    record Loaded(long consentRecords, long events, double averageEventBytes) {
    }

    /** The purposes the {@code event}-th event declares. */
    static List<String> pair(int event) {
        return PURPOSE_PAIRS.get(event % PURPOSE_PAIRS.size());
    }

    /** One record of the workload, as the loader sends it. */
    interface Sink {
        void accept(String topic, String key, long timestamp, SpecificRecord value);
    }

    Loaded load(String bootstrap) {
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", BenchSchemas.REGISTRY_URL), false);
        long[] consentRecords = {0};
        long[] eventBytes = {0};
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            generate((topic, key, timestamp, value) -> {
                byte[] bytes = serializer.serialize(topic, value);
                producer.send(new ProducerRecord<>(topic, null, timestamp, key.getBytes(StandardCharsets.UTF_8), bytes));
                if (topic.equals(Topics.CONSENT)) {
                    consentRecords[0]++;
                } else {
                    eventBytes[0] += bytes.length;
                }
            });
            producer.flush();
        }
        return new Loaded(consentRecords[0], events, (double) eventBytes[0] / events);
    }

    /** Every record of the workload, in the order the loader sends them: the consents, then the events. */
    void generate(Sink sink) {
        List<ConsentEvent> withdrawals = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            if (i % 10 == 0) {
                continue;
            }
            String customer = SampleContacts.customerId(i);
            String jurisdiction = i % 4 == 0 ? "US-CA" : "EU";
            long capturedAt = start - 1 - random.nextInt(3_600_000);
            send(sink, consent(customer, "marketing", ConsentStatus.GRANTED, capturedAt, jurisdiction));
            send(sink, consent(customer, "analytics.reporting", ConsentStatus.GRANTED, capturedAt, jurisdiction));
            if (i % 20 == 1) {
                long withdrawnAt = start + (long) random.nextInt(events) * spacingMs;
                withdrawals.add(consent(customer, "marketing", ConsentStatus.WITHDRAWN, withdrawnAt, jurisdiction));
            }
        }
        // In capture order, as a consent platform publishes them: Kafka Streams merges the consent and
        // event partitions by the timestamp at their heads, so a late-stamped record early in the consent
        // topic would let events overtake the grants queued behind it.
        withdrawals.sort(Comparator.comparing(ConsentEvent::getCapturedAt));
        withdrawals.forEach(withdrawal -> send(sink, withdrawal));
        for (int e = 0; e < events; e++) {
            String customer = SampleContacts.customerId(random.nextInt(customers));
            long eventTime = start + e * spacingMs;
            sink.accept(Topics.CONTACTS, customer, eventTime,
                    SampleContacts.contact(e, customer, eventTime, PURPOSE_PAIRS.get(e % PURPOSE_PAIRS.size())));
        }
    }

    private static void send(Sink sink, ConsentEvent consent) {
        sink.accept(Topics.CONSENT, consent.getCustomerId(), consent.getCapturedAt().toEpochMilli(), consent);
    }

    private ConsentEvent consent(String customer, String purpose, ConsentStatus status, long capturedAt, String jurisdiction) {
        return ConsentEvent.newBuilder()
                .setConsentId("cmp-" + Long.toHexString(random.nextLong()))
                .setCustomerId(customer)
                .setPurpose(purpose)
                .setStatus(status)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                .setJurisdiction(jurisdiction)
                .setSource("web-banner")
                .setNoticeVersion("privacy-notice-2026-10")
                .build();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
