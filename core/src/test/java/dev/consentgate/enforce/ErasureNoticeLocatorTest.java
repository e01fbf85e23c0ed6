package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.output.Outbound;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.schema.internal.TopicSummary;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.serde.TransientErrors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The locator names the customer only from the request read back where the notice says it was read, and only when that
 * request is the customer's; what it cannot find any more it leaves null rather than guess.
 */
class ErasureNoticeLocatorTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final String ERASURES = "privacy.erasure";
    private static final String EMAIL_TOPIC = "crm.purpose.marketing.communications.email";
    private static final String REPORTING_TOPIC = "crm.purpose.analytics.reporting";

    private final Map<String, Object> configs = Map.of(ConsentGateConfig.HMAC_KEY, HMAC_KEY,
            "schema.registry.url", "mock://locator-" + UUID.randomUUID());
    private final ConsentGateConfig config = new ConsentGateConfig(configs);
    private final TopologySettings settings = TopologySettings.of(config,
            PolicyParser.parse("policy.yaml", EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8)));
    private final AvroCodec codec = new AvroCodec(config.valueSerde(configs));

    @Test
    void aRecordOfAnotherCustomerWhereTheRequestWasReadNamesNobody() {
        Lookups lookups = new Lookups(Optional.of(request("c-2")), OptionalInt.of(0), OptionalLong.of(0));
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();

        assertThatThrownBy(() -> process(context, lookups, pending("c-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the record at consent.events-3@41 is not the erasure request its notice was made for");
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void aRequestNoLongerReadableNamesNobody() {
        Lookups lookups = new Lookups(Optional.empty(), OptionalInt.of(0), OptionalLong.of(0));
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();

        assertThatThrownBy(() -> process(context, lookups, pending("c-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the erasure request at consent.events-3@41 is no longer readable: its erasure notice cannot name the customer");
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void recordsNoLongerThereLeaveTheirOffsetsNullAndATopicGoneItsPartitionToo() {
        Lookups lookups = new Lookups(Optional.of(request("c-1")), OptionalInt.empty(), OptionalLong.empty());
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();

        process(context, lookups, pending("c-1"));

        assertThat(context.forwarded()).hasSize(1);
        var notice = context.forwarded().get(0).record();
        assertThat(new String(notice.key(), StandardCharsets.UTF_8)).isEqualTo("c-1");
        assertThat(notice.value().topic()).isEqualTo(ERASURES);
        try (ConfluentAvroDeserializer reader = new ConfluentAvroDeserializer()) {
            reader.configure(configs, false);
            assertThat(reader.decode(ERASURES, notice.value().value()).record().get("deliveries").toString()).isEqualTo("["
                    + "{\"topic\": \"" + REPORTING_TOPIC + "\", \"recordKey\": \"" + settings.pseudonymKey().hash().hex("c-1")
                    + "\", \"records\": 1, \"firstDeliveredAt\": " + (T0 + 1) + ", \"lastDeliveredAt\": " + (T0 + 1)
                    + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-1\", \"partition\": null, \"firstOffset\": null, \"lastOffset\": null}, "
                    + "{\"topic\": \"" + EMAIL_TOPIC + "\", \"recordKey\": \"c-1\", \"records\": 2, \"firstDeliveredAt\": " + (T0 + 1)
                    + ", \"lastDeliveredAt\": " + (T0 + 2) + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-2\", "
                    + "\"partition\": 0, \"firstOffset\": null, \"lastOffset\": null}]");
        }
    }

    @Test
    void aNoticeSearchesEveryTopicAtOnceWithinAQuarterOfTheTransactionTimeout() {
        // Each lookup takes 200 ms; a transaction timeout of 4 s leaves the notice 1 s: the request, two partitions and one
        // search for the records of both topics (the reporting topic's first record is its last) take 800 ms.
        SlowLookups lookups = new SlowLookups(Duration.ofMillis(200), Optional.of(request("c-1")));

        String deliveries = locate(lookups);

        assertThat(lookups.calls).containsExactly("valueAt consent.events-3@41", "partitionOf " + REPORTING_TOPIC, "partitionOf " + EMAIL_TOPIC,
                "offsetsOf [" + REPORTING_TOPIC + " e-1, " + EMAIL_TOPIC + " e-1, " + EMAIL_TOPIC + " e-2]");
        assertThat(lookups.timeoutsMs).containsOnly(1_000L);
        assertThat(deliveries).isEqualTo(deliveries("0, \"firstOffset\": 7, \"lastOffset\": 7", "0, \"firstOffset\": 7, \"lastOffset\": 7"));
    }

    @Test
    void lookupsThatOutlastAQuarterOfTheTransactionTimeoutLeaveWhatIsLeftUnlocatedAndTheNoticeIsWritten() {
        // At 400 ms per lookup the request and the reporting topic's partition are found within the 1 s, the email topic's
        // partition is looked up as the time runs out, and the records are not searched.
        SlowLookups lookups = new SlowLookups(Duration.ofMillis(400), Optional.of(request("c-1")));

        String deliveries = locate(lookups);

        assertThat(lookups.calls).containsExactly("valueAt consent.events-3@41", "partitionOf " + REPORTING_TOPIC, "partitionOf " + EMAIL_TOPIC);
        assertThat(deliveries).isEqualTo(deliveries("0, \"firstOffset\": null, \"lastOffset\": null",
                "null, \"firstOffset\": null, \"lastOffset\": null"));
    }

    /** Locates the notice of {@link #pending} for c-1 under a transaction timeout of 4 s; its deliveries as text. */
    private String locate(SlowLookups lookups) {
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>(transactionTimeout(4_000));
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> lookups, lookups.time);
        locator.init(context);
        locator.process(new Record<>(new byte[0], ErasureNoticeLocator.PENDING.encode(pending("c-1")), T0 + 10));
        assertThat(lookups.time.milliseconds() - T0).as("the lookups' time, the transaction held open").isLessThanOrEqualTo(1_000);
        assertThat(context.forwarded()).hasSize(1);
        try (ConfluentAvroDeserializer reader = new ConfluentAvroDeserializer()) {
            reader.configure(configs, false);
            return reader.decode(ERASURES, context.forwarded().get(0).record().value().value()).record().get("deliveries").toString();
        }
    }

    /** The deliveries of {@link #pending} for c-1, with what follows {@code "partition": } in each. */
    private String deliveries(String reportingLocation, String emailLocation) {
        return "["
                + "{\"topic\": \"" + REPORTING_TOPIC + "\", \"recordKey\": \"" + settings.pseudonymKey().hash().hex("c-1")
                + "\", \"records\": 1, \"firstDeliveredAt\": " + (T0 + 1) + ", \"lastDeliveredAt\": " + (T0 + 1)
                + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-1\", \"partition\": " + reportingLocation + "}, "
                + "{\"topic\": \"" + EMAIL_TOPIC + "\", \"recordKey\": \"c-1\", \"records\": 2, \"firstDeliveredAt\": " + (T0 + 1)
                + ", \"lastDeliveredAt\": " + (T0 + 2) + ", \"firstEventId\": \"e-1\", \"lastEventId\": \"e-2\", "
                + "\"partition\": " + emailLocation + "}]";
    }

    @Test
    void aRequestNotReadWithinTheBudgetIsRetriedFromTheLastCommitNotDeadLettered() {
        SlowLookups lookups = new SlowLookups(Duration.ofMillis(3_000), Optional.of(request("c-1")));
        MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>(transactionTimeout(10_000));
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> lookups, lookups.time);
        locator.init(context);

        assertThatThrownBy(() -> locator.process(new Record<>(new byte[0], ErasureNoticeLocator.PENDING.encode(pending("c-1")), T0 + 10)))
                .isInstanceOf(TimeoutException.class)
                .satisfies(e -> assertThat(TransientErrors.isTransient(e)).isTrue());
        assertThat(lookups.calls).containsExactly("valueAt consent.events-3@41");
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void theBudgetIsAQuarterOfTheTransactionTimeoutKafkaStreamsGivesItsProducers() {
        Properties exactlyOnce = transactionTimeout(4_000);
        exactlyOnce.remove(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        Properties atLeastOnce = new Properties();
        atLeastOnce.putAll(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "app", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092"));

        assertThat(ErasureNoticeLocator.budget(toMap(exactlyOnce))).isEqualTo(Duration.ofMillis(2_500));
        assertThat(ErasureNoticeLocator.budget(toMap(transactionTimeout(4_000)))).isEqualTo(Duration.ofMillis(1_000));
        assertThat(ErasureNoticeLocator.budget(toMap(atLeastOnce))).isEqualTo(Duration.ofMillis(15_000));
    }

    private static Properties transactionTimeout(int timeoutMs) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), timeoutMs);
        return properties;
    }

    private static Map<String, Object> toMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.forEach((key, value) -> map.put(key.toString(), value));
        return map;
    }

    private void process(MockProcessorContext<byte[], Outbound> context, Lookups lookups, PendingErasureNotice pending) {
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> lookups);
        locator.init(context);
        locator.process(new Record<>(new byte[0], ErasureNoticeLocator.PENDING.encode(pending), T0 + 10));
    }

    private byte[] request(String customerId) {
        return codec.encode("consent.events", EnforcementDriver.erasureEvent(customerId, T0 + 10));
    }

    private PendingErasureNotice pending(String customerId) {
        return new PendingErasureNotice(DataKeyReference.of(settings, customerId), Instant.ofEpochMilli(T0 + 10), "dsar-portal", null,
                "consent.events", 3, 41L, "2026-12-05.1", List.of(
                new TopicSummary(REPORTING_TOPIC, false, 1L, Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0 + 1), "e-1", "e-1"),
                new TopicSummary(EMAIL_TOPIC, true, 2L, Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0 + 2), "e-1", "e-2")));
    }

    /** The request at the notice's position, the reporting topic's partition, and every search's answer. */
    private record Lookups(Optional<byte[]> request, OptionalInt reportingPartition, OptionalLong offset) implements ErasureLookups {

        @Override
        public Optional<byte[]> valueAt(String topic, int partition, long at, Timer timer) {
            return topic.equals("consent.events") && partition == 3 && at == 41 ? request : Optional.empty();
        }

        @Override
        public OptionalInt partitionOf(String topic, byte[] key, Timer timer) {
            return topic.equals(EMAIL_TOPIC) ? OptionalInt.of(0) : reportingPartition;
        }

        @Override
        public Map<Search, Long> offsetsOf(Set<Search> searches, Timer timer) {
            Map<Search, Long> found = new HashMap<>();
            offset.ifPresent(at -> searches.forEach(search -> found.put(search, at)));
            return found;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Lookups on brokers that take {@code each} per call, on a clock of their own: like Kafka's, a lookup waits at most what
     * is left of its timer and then throws, and searches that end with it find nothing. They find the request, partition 0, and offset
     * 7 for every search.
     */
    private static final class SlowLookups implements ErasureLookups {

        final SteppedTime time = new SteppedTime(T0);
        final List<String> calls = new ArrayList<>();
        final List<Long> timeoutsMs = new ArrayList<>();
        private final Duration each;
        private final Optional<byte[]> request;

        SlowLookups(Duration each, Optional<byte[]> request) {
            this.each = each;
            this.request = request;
        }

        /** Waits {@code each}, or what is left of the timer and then throws, as Kafka's blocking calls do. */
        private void take(String call, Timer timer) {
            calls.add(call);
            timeoutsMs.add(timer.timeoutMs());
            timer.update();
            time.sleep(Math.min(each.toMillis(), timer.remainingMs()));
            timer.update();
            if (timer.isExpired()) {
                throw new TimeoutException("out of time");
            }
        }

        @Override
        public Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer) {
            take("valueAt " + topic + "-" + partition + "@" + offset, timer);
            return request;
        }

        @Override
        public OptionalInt partitionOf(String topic, byte[] key, Timer timer) {
            take("partitionOf " + topic, timer);
            return OptionalInt.of(0);
        }

        @Override
        public Map<Search, Long> offsetsOf(Set<Search> searches, Timer timer) {
            calls.add("offsetsOf " + searches.stream().map(search -> search.topic() + " " + search.eventId()).toList());
            timeoutsMs.add(timer.timeoutMs());
            timer.update();
            time.sleep(Math.min(each.toMillis(), timer.remainingMs()));
            timer.update();
            Map<Search, Long> found = new HashMap<>();
            if (timer.notExpired()) {
                searches.forEach(search -> found.put(search, 7L));
            }
            return found;
        }

        @Override
        public void close() {
        }
    }
}
