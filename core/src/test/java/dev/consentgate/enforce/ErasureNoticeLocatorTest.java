package dev.consentgate.enforce;

import static dev.consentgate.enforce.EnforcementDriver.HMAC_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.deadletter.DeadLetters;
import dev.consentgate.ingest.AvroCodec;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.metrics.MeterNames;
import dev.consentgate.output.Outbound;
import dev.consentgate.output.OutputHeaders;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.schema.internal.PendingErasureNotice;
import dev.consentgate.schema.internal.TopicSummary;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import dev.consentgate.testing.SteppedTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The locator names the customer only from the request read back where the notice says it was read, and only when that
 * request is the customer's; what it cannot find any more it leaves null rather than guess. Its lookups never hold the
 * stream thread: a notice waits in its store until they end, also across a restart.
 */
class ErasureNoticeLocatorTest {

    private static final long T0 = 1_767_225_600_000L;
    /** The stream thread's wall clock when the locator reads a notice: a minute and a half ago. */
    private static final long READ_AT = System.currentTimeMillis() - 90_000;
    private static final String ERASURES = "privacy.erasure";
    private static final String DLQ = "consent.dlq";
    private static final String EMAIL_TOPIC = "crm.purpose.marketing.communications.email";
    private static final String REPORTING_TOPIC = "crm.purpose.analytics.reporting";
    private static final String NOTICES = "app-erasure-notices-repartition";

    private final Map<String, Object> configs = Map.of(ConsentGateConfig.HMAC_KEY, HMAC_KEY,
            "schema.registry.url", "mock://locator-" + UUID.randomUUID());
    private final ConsentGateConfig config = new ConsentGateConfig(configs);
    private final TopologySettings settings = TopologySettings.of(config,
            PolicyParser.parse("policy.yaml", EnforcementDriver.examplePolicy().getBytes(StandardCharsets.UTF_8)));
    private final AvroCodec codec = new AvroCodec(config.valueSerde(configs));
    private final MockProcessorContext<byte[], Outbound> context = new MockProcessorContext<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EnforcementMetrics metrics = new EnforcementMetrics(registry);
    private final KeyValueStore<Long, byte[]> waiting = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(ErasureNoticeLocator.WAITING_STORE), Serdes.Long(), Serdes.ByteArray()).withLoggingDisabled().build();

    ErasureNoticeLocatorTest() {
        context.setCurrentSystemTimeMs(READ_AT);
        waiting.init(context.getStateStoreContext(), waiting);
        context.addStateStore(waiting);
    }

    @Test
    void aRecordOfAnotherCustomerWhereTheRequestWasReadNamesNobodyAndTheNoticeGoesToTheDeadLetters() {
        Lookups lookups = new Lookups(Optional.of(request("c-2")), OptionalInt.of(0), Optional.of(0L));

        process(locator(lookups), pending("c-1"), 7);

        assertDeadLettered("the record at consent.events-3@41 is not the erasure request its notice was made for", 7);
    }

    @Test
    void aRequestNoLongerReadableNamesNobodyAndTheNoticeGoesToTheDeadLetters() {
        Lookups lookups = new Lookups(Optional.empty(), OptionalInt.of(0), Optional.of(0L));

        process(locator(lookups), pending("c-1"), 7);

        assertDeadLettered("the erasure request at consent.events-3@41 is no longer readable: its erasure notice cannot name the customer", 7);
    }

    @Test
    void recordsNoLongerThereLeaveTheirOffsetsNullAndATopicGoneItsPartitionToo() {
        Lookups lookups = new Lookups(Optional.of(request("c-1")), OptionalInt.empty(), Optional.empty());

        process(locator(lookups), pending("c-1"), 7);

        assertThat(written()).isEqualTo(deliveries("null, \"firstOffset\": null, \"lastOffset\": null",
                "0, \"firstOffset\": null, \"lastOffset\": null"));
        assertThat(context.forwarded().get(0).record().key()).isEqualTo("c-1".getBytes(StandardCharsets.UTF_8));
        assertThat(context.forwarded().get(0).record().timestamp()).isEqualTo(T0 + 10);
        assertThat(waiting.approximateNumEntries()).isZero();
    }

    @Test
    void aNoticeSearchesEveryTopicAtOnce() {
        // The request, two partitions, and one search for the records of both topics (the reporting topic's first is its last).
        SlowLookups lookups = new SlowLookups(Duration.ofMillis(200), Optional.of(request("c-1")));

        process(locator(lookups), pending("c-1"), 7);

        assertThat(lookups.calls).containsExactly("valueAt consent.events-3@41", "partitionOf " + REPORTING_TOPIC, "partitionOf " + EMAIL_TOPIC,
                "offsetsOf [" + REPORTING_TOPIC + " e-1, " + EMAIL_TOPIC + " e-1, " + EMAIL_TOPIC + " e-2]");
        assertThat(lookups.timeoutsMs).containsOnly(NoticeLookup.TIMEOUT.toMillis());
        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": 7, \"lastOffset\": 7", "0, \"firstOffset\": 7, \"lastOffset\": 7"));
    }

    @Test
    void lookupsThatOutlastTheirTimeLeaveWhatIsLeftUnlocatedAndTheNoticeIsWritten() {
        // At 24 s per lookup the request and the reporting topic's partition are found within the 60 s, the email topic's
        // partition is looked up as the time runs out, and the records are not searched.
        SlowLookups lookups = new SlowLookups(Duration.ofSeconds(24), Optional.of(request("c-1")));

        process(locator(lookups), pending("c-1"), 7);

        assertThat(lookups.calls).containsExactly("valueAt consent.events-3@41", "partitionOf " + REPORTING_TOPIC, "partitionOf " + EMAIL_TOPIC);
        assertThat(lookups.time.milliseconds() - T0).as("the lookups' time").isEqualTo(NoticeLookup.TIMEOUT.toMillis());
        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": null, \"lastOffset\": null",
                "null, \"firstOffset\": null, \"lastOffset\": null"));
    }

    @Test
    void aRequestNotReadInTimeWaitsAndIsLookedUpAgainNeitherLostNorDeadLettered() {
        Lookups lookups = new Lookups(Optional.of(request("c-1")), OptionalInt.of(0), Optional.of(5L));
        lookups.requestTimeouts = 1;
        ErasureNoticeLocator locator = locator(lookups);

        // the first read runs out of time: the notice waits, and is looked up again at once
        process(locator, pending("c-1"), 7);
        assertThat(context.forwarded()).isEmpty();
        assertThat(waiting.get(7L)).isNotNull();
        assertWaitingGauges(1, READ_AT);
        punctuate();

        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": 5, \"lastOffset\": 5", "0, \"firstOffset\": 5, \"lastOffset\": 5"));
        assertThat(waiting.approximateNumEntries()).isZero();
    }

    @Test
    void lookupsOnBrokersRunOffTheStreamThreadAndTheirNoticeIsWrittenWhenTheyEnd() {
        BlockingLookups lookups = new BlockingLookups(request("c-1"));
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> lookups, deadLetters(), metrics);
        locator.init(context);

        // The request's read is blocked: processing goes on, nothing is written, the notice waits
        process(locator, pending("c-1"), 7);
        punctuate();
        assertThat(context.forwarded()).isEmpty();
        assertThat(waiting.get(7L)).isNotNull();
        assertThat(lookups.thread).isNotEqualTo(Thread.currentThread().getName());
        assertWaitingGauges(1, READ_AT);

        lookups.answer.countDown();
        awaitWritten();
        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": 3, \"lastOffset\": 3", "0, \"firstOffset\": 3, \"lastOffset\": 3"));
        assertThat(waiting.approximateNumEntries()).isZero();
        assertWaitingGauges(0, null);
        locator.close();
        assertThat(lookups.closed).isTrue();
    }

    @Test
    void closingStopsALookupUnderWayAndItsNoticeIsLookedUpAgainWhereTheTaskResumes() {
        BlockingLookups blocked = new BlockingLookups(request("c-1"));
        ErasureNoticeLocator closing = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> blocked, deadLetters(), metrics);
        closing.init(context);
        process(closing, pending("c-1"), 7);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> blocked.thread != null);

        assertWaitingGauges(1, READ_AT);
        closing.close();

        // the notice is the task's next owner's to report
        assertWaitingGauges(0, null);
        assertThat(blocked.wokenUp).isTrue();
        assertThat(blocked.closed).isTrue();
        assertThat(context.forwarded()).isEmpty();
        // Where the task resumes (its store restored), the waiting notice is looked up again and written
        context.resetForwards();
        Lookups lookups = new Lookups(Optional.of(request("c-1")), OptionalInt.of(0), Optional.of(5L));
        locator(lookups);
        punctuate();
        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": 5, \"lastOffset\": 5", "0, \"firstOffset\": 5, \"lastOffset\": 5"));
        assertThat(waiting.approximateNumEntries()).isZero();
    }

    @Test
    void theSameLocatorInitializedAgainAfterCloseLooksItsWaitingNoticesUpAfresh() {
        // Kafka Streams inits the same processor instance again when it revives a task after a failure
        BlockingLookups blocked = new BlockingLookups(request("c-1"));
        List<BlockingLookups> opened = new ArrayList<>(List.of(blocked));
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> opened.get(opened.size() - 1),
                deadLetters(), metrics);
        locator.init(context);
        process(locator, pending("c-1"), 7);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> blocked.thread != null);
        locator.close();
        assertThat(blocked.closed).isTrue();

        // When it is initialized again, on lookups that answer
        BlockingLookups answering = new BlockingLookups(request("c-1"));
        answering.answer.countDown();
        opened.add(answering);
        context.resetForwards();
        locator.init(context);

        // Then its notice is looked up on a new worker and new lookups, written, and gauged from when it was first read
        assertWaitingGauges(1, READ_AT);
        awaitWritten();
        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": 3, \"lastOffset\": 3", "0, \"firstOffset\": 3, \"lastOffset\": 3"));
        assertWaitingGauges(0, null);
        locator.close();
        assertThat(answering.closed).isTrue();
    }

    @Test
    void aNoticeKeptWithoutItsReadTimeIsLookedUpAndCountsAsReadWhenTheTaskStarts() {
        // A notice as the build before kept it: format 1, without the time it was read
        byte[] topic = NOTICES.getBytes(StandardCharsets.UTF_8);
        byte[] pending = ErasureNoticeLocator.PENDING.encode(pending("c-1"));
        waiting.put(7L, ByteBuffer.allocate(1 + 4 + topic.length + 4 + 8 + 8 + pending.length).put((byte) 1).putInt(topic.length)
                .put(topic).putInt(1).putLong(7).putLong(T0 + 10).put(pending).array());
        long startedAt = System.currentTimeMillis() - 5_000;
        context.setCurrentSystemTimeMs(startedAt);
        BlockingLookups blocked = new BlockingLookups(request("c-1"));
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings, (appConfigs, clientId) -> blocked, deadLetters(), metrics);

        locator.init(context);

        assertWaitingGauges(1, startedAt);
        blocked.answer.countDown();
        awaitWritten();
        assertThat(written()).isEqualTo(deliveries("0, \"firstOffset\": 3, \"lastOffset\": 3", "0, \"firstOffset\": 3, \"lastOffset\": 3"));
        assertThat(context.forwarded().get(0).record().timestamp()).isEqualTo(T0 + 10);
        locator.close();
    }

    /** A locator with {@code lookups}, which answer at once, initialized on the test's context. */
    private ErasureNoticeLocator locator(ErasureLookups lookups) {
        ErasureNoticeLocator locator = new ErasureNoticeLocator(codec, settings,
                ErasureLookups.Factory.answeringAtOnce((appConfigs, clientId) -> lookups), deadLetters(), metrics,
                lookups instanceof SlowLookups slow ? slow.time : new SteppedTime(T0));
        locator.init(context);
        return locator;
    }

    /** The waiting-notice gauges: {@code size} notices, the oldest read at {@code readAt} (null: none waits). */
    private void assertWaitingGauges(int size, Long readAt) {
        assertThat(registry.get(MeterNames.ERASURE_NOTICES_WAITING).gauge().value()).isEqualTo(size);
        long before = System.currentTimeMillis();
        double age = registry.get(MeterNames.ERASURE_NOTICES_OLDEST_WAIT).gauge().value();
        long after = System.currentTimeMillis();
        if (readAt == null) {
            assertThat(age).isZero();
        } else {
            assertThat(age).isBetween((before - readAt) / 1000.0, (after - readAt) / 1000.0);
        }
    }

    private DeadLetters deadLetters() {
        return new DeadLetters(DLQ, metrics);
    }

    private void process(ErasureNoticeLocator locator, PendingErasureNotice pending, long offset) {
        context.setRecordMetadata(NOTICES, 1, offset);
        locator.process(new Record<>(new byte[0], ErasureNoticeLocator.PENDING.encode(pending), T0 + 10));
    }

    /** Runs the punctuator until a record is written: the lookups end on the worker's thread. */
    private void awaitWritten() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            punctuate();
            return !context.forwarded().isEmpty();
        });
    }

    /** Runs the punctuator of the locator made last: a closed one's never runs again. */
    private void punctuate() {
        List<MockProcessorContext.CapturedPunctuator> punctuators = context.scheduledPunctuators();
        punctuators.get(punctuators.size() - 1).getPunctuator().punctuate(System.currentTimeMillis());
    }

    /** The one record written, an erasure notice: its deliveries as text. */
    private String written() {
        assertThat(context.forwarded()).hasSize(1);
        Outbound notice = context.forwarded().get(0).record().value();
        assertThat(notice.topic()).isEqualTo(ERASURES);
        try (ConfluentAvroDeserializer reader = new ConfluentAvroDeserializer()) {
            reader.configure(configs, false);
            return reader.decode(ERASURES, notice.value()).record().get("deliveries").toString();
        }
    }

    /** The one record written went to the dead letters: the pending notice as it came, why, and where it was read. */
    private void assertDeadLettered(String why, long offset) {
        assertThat(context.forwarded()).hasSize(1);
        Record<? extends byte[], ? extends Outbound> record = context.forwarded().get(0).record();
        assertThat(record.value().topic()).isEqualTo(DLQ);
        assertThat(record.value().value()).isEqualTo(ErasureNoticeLocator.PENDING.encode(pending("c-1")));
        assertThat(header(record, OutputHeaders.DLQ_REASON)).isEqualTo("PROCESSING_ERROR");
        assertThat(header(record, OutputHeaders.DLQ_DETAIL)).isEqualTo(why + " in processor erasure-notice-locator");
        assertThat(header(record, OutputHeaders.DLQ_TOPIC) + "-" + header(record, OutputHeaders.DLQ_PARTITION) + "@"
                + header(record, OutputHeaders.DLQ_OFFSET)).isEqualTo(NOTICES + "-1@" + offset);
        assertThat(waiting.approximateNumEntries()).isZero();
    }

    private static String header(Record<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
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

    private byte[] request(String customerId) {
        return codec.encode("consent.events", EnforcementDriver.erasureEvent(customerId, T0 + 10));
    }

    private PendingErasureNotice pending(String customerId) {
        return new PendingErasureNotice(DataKeyReference.of(settings, customerId), Instant.ofEpochMilli(T0 + 10), "dsar-portal", null,
                "consent.events", 3, 41L, "2026-12-05.1", List.of(
                new TopicSummary(REPORTING_TOPIC, false, 1L, Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0 + 1), "e-1", "e-1"),
                new TopicSummary(EMAIL_TOPIC, true, 2L, Instant.ofEpochMilli(T0 + 1), Instant.ofEpochMilli(T0 + 2), "e-1", "e-2")));
    }

    /**
     * The request at the notice's position (after {@code requestTimeouts} reads that run out of time), the reporting
     * topic's partition, and every search's answer.
     */
    private static final class Lookups implements ErasureLookups {

        private final Optional<byte[]> request;
        private final OptionalInt reportingPartition;
        private final Optional<Long> offset;
        int requestTimeouts;

        Lookups(Optional<byte[]> request, OptionalInt reportingPartition, Optional<Long> offset) {
            this.request = request;
            this.reportingPartition = reportingPartition;
            this.offset = offset;
        }

        @Override
        public Optional<byte[]> valueAt(String topic, int partition, long at, Timer timer) {
            if (requestTimeouts > 0) {
                requestTimeouts--;
                throw new TimeoutException("the brokers did not answer");
            }
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
     * Lookups on brokers: the request's read waits until {@code answer} is counted down (or they are woken up, and throw),
     * then partition 0 and offset 3 for every search.
     */
    private static final class BlockingLookups implements ErasureLookups {

        final CountDownLatch answer = new CountDownLatch(1);
        private final byte[] request;
        volatile String thread;
        volatile boolean wokenUp;
        volatile boolean closed;

        BlockingLookups(byte[] request) {
            this.request = request;
        }

        @Override
        public Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer) {
            thread = Thread.currentThread().getName();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (wokenUp) {
                throw new WakeupException();
            }
            return Optional.of(request);
        }

        @Override
        public OptionalInt partitionOf(String topic, byte[] key, Timer timer) {
            return OptionalInt.of(0);
        }

        @Override
        public Map<Search, Long> offsetsOf(Set<Search> searches, Timer timer) {
            Map<Search, Long> found = new HashMap<>();
            searches.forEach(search -> found.put(search, 3L));
            return found;
        }

        @Override
        public void wakeup() {
            wokenUp = true;
            answer.countDown();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * Lookups on brokers that take {@code each} per call, on a clock of their own: like Kafka's, a lookup waits at most what
     * is left of its timer and then throws, and searches that end with it find nothing. They find the request, partition 0,
     * and offset 7 for every search.
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
