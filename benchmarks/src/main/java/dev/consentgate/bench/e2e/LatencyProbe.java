package dev.consentgate.bench.e2e;

import dev.consentgate.bench.SampleContacts;
import dev.consentgate.serde.ConfluentAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end latency at a fixed offered load: produces ContactUpdated events at a steady rate, each
 * stamped with the wall-clock time it is sent (its record timestamp and event time), and measures,
 * for every record of the purpose topic that a {@code read_committed} consumer sees, the time from that
 * stamp to the moment the consumer received it. The purpose records keep the input record's timestamp,
 * so no matching is needed. Producer, consumer and broker share one host clock.
 */
final class LatencyProbe {

    /** The purpose topic measured: every event declaring analytics.reporting reaches it, permitted or redacted. */
    static final String PURPOSE_TOPIC = "crm.purpose.analytics.reporting";

    /** A backlog left by the warm-up counts as drained from the first measured second whose records all waited less. */
    static final long DRAINED_BELOW_MS = 1000;
    /**
     * The warm-up goes on past its set length until the app has caught up: for this long, every record the
     * reader saw had waited less than {@link #DRAINED_BELOW_MS}. A cold app and broker, JIT-compiling on two
     * cores, fall behind in their first seconds, and what the target is about is the steady state.
     */
    static final Duration CAUGHT_UP_FOR = Duration.ofSeconds(5);
    /** The warm-up ends here even if the app has not caught up; the result then says so. */
    static final Duration MAX_WARM_UP = Duration.ofMinutes(3);

    record Result(int offeredPerSecond, double warmUpSeconds, boolean caughtUp, long sent, long measured, long p50Ms, long p99Ms, long maxMs, double seconds,
                  Map<Long, Long> maxBySecond, long drainedFromSecond, long steadyMeasured, long steadyP50Ms, long steadyP99Ms,
                  long steadyMaxMs) {
        String describeSteady() {
            return drainedFromSecond < 0 ? "no measured second had all its records under " + DRAINED_BELOW_MS + " ms"
                    : String.format(Locale.ROOT, "from second %d of the measured load on (earlier seconds drained a backlog left by"
                            + " the warm-up): %,d purpose records, latency p50 %d ms, p99 %d ms, max %d ms",
                    drainedFromSecond, steadyMeasured, steadyP50Ms, steadyP99Ms, steadyMaxMs);
        }

        /** The five seconds of the measured load (counted from its start) whose records waited longest: where a tail comes from. */
        String worstSeconds() {
            return maxBySecond.entrySet().stream().sorted(Map.Entry.<Long, Long>comparingByValue().reversed()).limit(5)
                    .map(e -> "second " + e.getKey() + ": max " + e.getValue() + " ms").collect(Collectors.joining(", "));
        }

        String describe() {
            String warmUp = caughtUp
                    ? String.format(Locale.ROOT, "after a warm-up of %.0f s (until every record for %d s had waited under %d ms)",
                            warmUpSeconds, CAUGHT_UP_FOR.toSeconds(), DRAINED_BELOW_MS)
                    : String.format(Locale.ROOT, "after a warm-up of %.0f s in which the app never caught up", warmUpSeconds);
            return String.format(Locale.ROOT, "offered %,d events/s for %.0f s %s: %,d events sent, %,d purpose records measured,"
                    + " latency p50 %d ms, p99 %d ms, max %d ms", offeredPerSecond, seconds, warmUp, sent, measured, p50Ms, p99Ms, maxMs);
        }
    }

    private LatencyProbe() {
    }

    /**
     * @param warmUp  load offered before measuring starts (its records are not counted), at least; longer until
     *                the app has caught up ({@link #CAUGHT_UP_FOR}), at most {@link #MAX_WARM_UP}
     * @param measure how long the measured load lasts
     */
    static Result run(String bootstrap, int customers, int ratePerSecond, Duration warmUp, Duration measure) throws Exception {
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", BenchSchemas.REGISTRY_URL), false);
        List<Long> latencies = new ArrayList<>();
        List<long[]> bySecond = new ArrayList<>();
        Map<Long, Long> maxBySecond = new TreeMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        long[] measureFrom = {Long.MAX_VALUE};
        // What the reader saw last, for the warm-up to tell when the app has caught up.
        AtomicLong lastWaitMs = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastSeenAt = new AtomicLong();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
             KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(PURPOSE_TOPIC)) {
                partitions.add(new TopicPartition(PURPOSE_TOPIC, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        lastWaitMs.set(now - record.timestamp());
                        lastSeenAt.set(now);
                        if (record.timestamp() >= measureFrom[0]) {
                            synchronized (latencies) {
                                latencies.add(now - record.timestamp());
                                bySecond.add(new long[] {(record.timestamp() - measureFrom[0]) / 1000, now - record.timestamp()});
                                maxBySecond.merge((record.timestamp() - measureFrom[0]) / 1000, now - record.timestamp(), Math::max);
                            }
                        }
                    }
                }
            }, "latency-reader");
            reader.start();

            Random random = new Random(7);
            long start = System.nanoTime();
            long warmUpNanos = 0;
            long warmUpEnd = start + warmUp.toNanos();
            long end = Long.MAX_VALUE;
            long caughtUpSince = -1;
            boolean caughtUp = false;
            long sent = 0;
            long measuredSent = 0;
            int event = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (measureFrom[0] == Long.MAX_VALUE) {
                    long wallNow = System.currentTimeMillis();
                    boolean keepingUp = lastWaitMs.get() < DRAINED_BELOW_MS && wallNow - lastSeenAt.get() < DRAINED_BELOW_MS;
                    caughtUpSince = !keepingUp ? -1 : caughtUpSince < 0 ? now : caughtUpSince;
                    caughtUp = caughtUpSince >= 0 && now - caughtUpSince >= CAUGHT_UP_FOR.toNanos();
                    if (now >= warmUpEnd && (caughtUp || now - start >= MAX_WARM_UP.toNanos())) {
                        measureFrom[0] = wallNow;
                        end = now + measure.toNanos();
                        warmUpNanos = now - start;
                    }
                }
                // Events due by now at the fixed rate; sent in a burst per millisecond at most.
                long due = (now - start) * ratePerSecond / 1_000_000_000L;
                while (sent < due) {
                    String customer = SampleContacts.customerId(random.nextInt(customers));
                    long stamp = System.currentTimeMillis();
                    byte[] value = serializer.serialize(Topics.CONTACTS,
                            SampleContacts.contact(1_000_000_000 + event, customer, stamp, Workload.pair(event)));
                    producer.send(new ProducerRecord<>(Topics.CONTACTS, null, stamp, customer.getBytes(StandardCharsets.UTF_8), value));
                    event++;
                    sent++;
                    if (stamp >= measureFrom[0]) {
                        measuredSent++;
                    }
                }
                Thread.sleep(1);
            }
            producer.flush();
            // Half of the events declare analytics.reporting; wait for them, or give up after 30 s.
            long expected = measuredSent / 2;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (latencies) {
                    if (latencies.size() >= expected) {
                        break;
                    }
                }
                Thread.sleep(50);
            }
            stop.set(true);
            reader.join();
            long[] sorted;
            synchronized (latencies) {
                sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            if (sorted.length == 0) {
                throw new IllegalStateException("no purpose record was seen within 30 s of the load's end");
            }
            long drained = maxBySecond.entrySet().stream().filter(e -> e.getValue() < DRAINED_BELOW_MS)
                    .mapToLong(Map.Entry::getKey).min().orElse(-1);
            long[] steady = bySecond.stream().filter(pair -> drained >= 0 && pair[0] >= drained).mapToLong(pair -> pair[1]).sorted().toArray();
            return new Result(ratePerSecond, warmUpNanos / 1e9, caughtUp, measuredSent, sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted[sorted.length - 1], measure.toMillis() / 1000.0, maxBySecond, drained, steady.length,
                    steady.length == 0 ? -1 : percentile(steady, 0.50), steady.length == 0 ? -1 : percentile(steady, 0.99),
                    steady.length == 0 ? -1 : steady[steady.length - 1]);
        }
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Answer as soon as anything is there: the wait is what is measured.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // A CRM producer's ordinary settings: the client defaults (acks=all, linger.ms=5).
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
