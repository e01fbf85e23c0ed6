package dev.consentgate.bench.e2e;

import dev.consentgate.bench.ExamplePolicy;
import dev.consentgate.enforce.StreamsDefaults;
import dev.consentgate.metrics.EnforcementMetrics;
import dev.consentgate.health.ObservabilityRegistry;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.EnforcementTopology;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The child JVM of one app run. Arguments: {@code baseline|enforcement|fan_out|fan_out_without_audit|hand_written_join bootstrap application-id [mode [state-dir]]},
 * where mode is
 * <ul>
 *   <li>{@code throughput} (the default): runs until the committed offsets reach the end of its inputs, then
 *       prints the time that took (from RUNNING), the CPU time its process and its stream thread used in it, the
 *       time its JIT spent compiling, the events and seconds of the round's second half ({@link SecondHalf}), and
 *       its peak RSS;</li>
 *   <li>{@code latency}: prints {@code ready} once the consent topic is read to its end (the parent set the
 *       group's event offsets to the end beforehand), then runs until its stdin closes and prints its peak RSS;</li>
 *   <li>{@code restore}: prints the time from start until RUNNING, which under Kafka Streams' default settings
 *       is reached once every store is restored from its changelog, and its peak RSS.</li>
 * </ul>
 * A state directory given as argument is kept (the restore benchmark wipes it itself); otherwise a temporary one is used.
 */
public final class StreamsAppMain {

    static final String SECONDS = "seconds";
    static final String PEAK_RSS_KB = "peakRssKb";
    static final String PROCESS_CPU_SECONDS = "processCpuSeconds";
    static final String STREAM_THREAD_CPU_SECONDS = "streamThreadCpuSeconds";
    static final String JIT_SECONDS = "jitSeconds";
    static final String SECOND_HALF_EVENTS = "secondHalfEvents";
    static final String SECOND_HALF_SECONDS = "secondHalfSeconds";
    static final String READY = "ready";
    static final String RESTORED = "restoredRecords";
    static final String RESTORE_SECONDS = "restoreSeconds";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String SETTING_PREFIX = "consentgate.bench.streams.";

    private StreamsAppMain() {
    }

    public static void main(String[] args) throws Exception {
        AppKind kind = AppKind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        String bootstrap = args[1];
        String applicationId = args[2];
        Mode mode = args.length > 3 ? Mode.valueOf(args[3].toUpperCase(java.util.Locale.ROOT)) : Mode.THROUGHPUT;
        String stateDir = args.length > 4 ? args[4] : Files.createTempDirectory(applicationId).toString();
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        // Every app runs with the service's settings (`consentgate run`'s defaults): the same guarantee, exactly-once,
        // which is what the comparison is about, and the same producer batches.
        props.putAll(StreamsDefaults.defaults());
        // Both topics are preloaded, so without waiting an event can overtake the consents captured
        // before it whenever the consent partition's fetch buffer runs dry, and be judged without
        // them. Waiting keeps the merge in timestamp order, as live traffic is; the baseline has one
        // input, so it is unaffected.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 1000L);
        props.putAll(settingOverrides());

        ObservabilityRegistry observability = new ObservabilityRegistry(applicationId);
        Topology topology = switch (kind) {
            case BASELINE -> passThrough();
            case ENFORCEMENT -> enforcement(props, observability, consentPartitions(bootstrap));
            case FAN_OUT -> FanOutTopology.build(true);
            case FAN_OUT_WITHOUT_AUDIT -> FanOutTopology.build(false);
            case HAND_WRITTEN_JOIN -> handWrittenJoin();
        };
        Properties properties = new Properties();
        properties.putAll(props);
        try (KafkaStreams streams = new KafkaStreams(topology, properties); Admin admin = Topics.admin(bootstrap)) {
            observability.bindKafkaStreams(streams);
            CountDownLatch running = new CountDownLatch(1);
            streams.setStateListener((newState, oldState) -> {
                if (newState == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            Map<TopicPartition, Long> ends = endOffsets(admin, mode == Mode.LATENCY ? List.of(Topics.CONSENT) : kind.inputs());
            AtomicLong restored = new AtomicLong();
            AtomicLong firstRestoreStart = new AtomicLong();
            streams.setGlobalStateRestoreListener(new StateRestoreListener() {
                @Override
                public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
                    firstRestoreStart.compareAndSet(0, System.nanoTime());
                }

                @Override
                public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
                    restored.addAndGet(numRestored);
                }

                @Override
                public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                }
            });
            long startCalled = System.nanoTime();
            streams.start();
            if (!running.await(mode == Mode.RESTORE ? 30 : 2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
            }
            long startedAt = System.nanoTime();
            switch (mode) {
                case THROUGHPUT -> {
                    CpuTime cpuAtStart = CpuTime.now();
                    SecondHalf secondHalf = new SecondHalf(ends, Topics.CONTACTS);
                    awaitCommitted(admin, applicationId, ends, streams, committed -> secondHalf.observe(committed, System.nanoTime()));
                    long endedAt = System.nanoTime();
                    System.out.println(SECONDS + "=" + (endedAt - startedAt) / 1e9);
                    CpuTime cpu = CpuTime.now().since(cpuAtStart);
                    System.out.println(PROCESS_CPU_SECONDS + "=" + cpu.processNanos() / 1e9);
                    System.out.println(STREAM_THREAD_CPU_SECONDS + "=" + cpu.streamThreadNanos() / 1e9);
                    System.out.println(JIT_SECONDS + "=" + cpu.jitNanos() / 1e9);
                    System.out.println(SECOND_HALF_EVENTS + "=" + secondHalf.events());
                    System.out.println(SECOND_HALF_SECONDS + "=" + secondHalf.seconds(endedAt));
                }
                case RESTORE -> {
                    System.out.println(SECONDS + "=" + (startedAt - startCalled) / 1e9);
                    System.out.println(RESTORED + "=" + restored.get());
                    long restoreStart = firstRestoreStart.get();
                    System.out.println(RESTORE_SECONDS + "=" + (restoreStart == 0 ? 0 : (startedAt - restoreStart) / 1e9));
                }
                case LATENCY -> {
                    awaitCommitted(admin, applicationId, ends, streams, committed -> { });
                    System.out.println(READY + "=" + (System.nanoTime() - startedAt) / 1e9);
                    System.out.flush();
                    // The parent closes our stdin when its load is done.
                    while (System.in.read() >= 0) {
                        Thread.onSpinWait();
                    }
                }
            }
            System.out.println(PEAK_RSS_KB + "=" + PeakRss.ofThisProcessKb());
            System.out.flush();
            // Leave the group: the restore benchmark restarts this application id at once, and a member that did not
            // leave holds the next one's rebalance until its session times out (45 s), which is not restoring.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofMinutes(1)));
        }
        observability.close();
    }

    enum Mode {
        THROUGHPUT, LATENCY, RESTORE
    }

    enum AppKind {
        BASELINE(List.of(Topics.CONTACTS)),
        ENFORCEMENT(List.of(Topics.CONTACTS, Topics.CONSENT)),
        /** Kafka's share of enforcement alone ({@link FanOutTopology}). */
        FAN_OUT(List.of(Topics.CONTACTS, Topics.CONSENT)),
        /** Fan-out without the audit record: the purpose records alone. */
        FAN_OUT_WITHOUT_AUDIT(List.of(Topics.CONTACTS, Topics.CONSENT)),
        /** The consent join a team would write by hand ({@link HandWrittenJoinTopology}): what enforcement is compared with. */
        HAND_WRITTEN_JOIN(List.of(Topics.CONTACTS, Topics.CONSENT));

        private final List<String> inputs;

        AppKind(List<String> inputs) {
            this.inputs = inputs;
        }

        List<String> inputs() {
            return inputs;
        }

        /** How reports and logs name it: {@code baseline}, {@code enforcement}, {@code fan_out}, {@code fan_out_without_audit}, {@code hand_written_join}. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The baseline: the same input copied byte for byte, so only the enforcement work differs. */
    private static Topology passThrough() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.CONTACTS, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(Topics.COPY, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    private static Topology handWrittenJoin() {
        BenchSchemas.registerInputSchemas();
        return HandWrittenJoinTopology.build(Map.of("schema.registry.url", BenchSchemas.REGISTRY_URL));
    }

    /**
     * The enforcement topology as `consentgate run` builds it, metrics included, for the consent topic's partition count
     * as the service reads it from the broker: with another count every record would count as misplaced and be moved.
     */
    private static Topology enforcement(Map<String, Object> props, ObservabilityRegistry observability, int consentPartitions) {
        BenchSchemas.registerInputSchemas();
        props.put("schema.registry.url", BenchSchemas.REGISTRY_URL);
        props.put(ConsentGateConfig.HMAC_KEY, ExamplePolicy.HMAC_KEY);
        return EnforcementTopology.build(ExamplePolicy.load(), props, new EnforcementMetrics(observability.registry()), consentPartitions);
    }

    private static int consentPartitions(String bootstrap) throws Exception {
        try (Admin admin = Topics.admin(bootstrap)) {
            return admin.describeTopics(List.of(Topics.CONSENT)).allTopicNames().get().get(Topics.CONSENT).partitions().size();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /**
     * Under exactly-once an offset is committed with the outputs it produced: once all are committed, all output is
     * written. {@code onPoll} sees the committed offsets of every poll, the last one included.
     */
    private static void awaitCommitted(Admin admin, String groupId, Map<TopicPartition, Long> ends, KafkaStreams streams,
                                       Consumer<Map<TopicPartition, OffsetAndMetadata>> onPoll) throws Exception {
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            onPoll.accept(committed);
            boolean done = ends.entrySet().stream().allMatch(end -> {
                OffsetAndMetadata offset = committed.get(end.getKey());
                return end.getValue() == 0 || (offset != null && offset.offset() >= end.getValue());
            });
            if (done) {
                return;
            }
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Kafka Streams or client settings to try, as {@code -Dconsentgate.bench.streams.<setting>=<value>} in
     * {@code consentgate.bench.appJvmOptions}, e.g. {@code -Dconsentgate.bench.streams.commit.interval.ms=50}.
     */
    private static Map<String, Object> settingOverrides() {
        Map<String, Object> overrides = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(SETTING_PREFIX)) {
                overrides.put(name.substring(SETTING_PREFIX.length()), System.getProperty(name));
            }
        }
        if (!overrides.isEmpty()) {
            System.out.println("settings overridden: " + new TreeMap<>(overrides));
        }
        return overrides;
    }
}
