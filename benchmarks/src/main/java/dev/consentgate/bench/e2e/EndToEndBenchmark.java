package dev.consentgate.bench.e2e;

import dev.consentgate.bench.ExamplePolicy;
import dev.consentgate.policy.Policy;
import dev.consentgate.config.ConsentGateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end throughput: a broker in its own JVM, N preloaded ContactUpdated events and their
 * consents, then alternating rounds of the pass-through baseline, ConsentGate enforcement and the consent join a team
 * would write by hand ({@link HandWrittenJoinTopology}), each
 * app in a fresh JVM with a fresh application id (so it reads everything from the start); then the
 * end-to-end latency of enforcement at half its median throughput ({@link LatencyProbe}).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.consentgate.bench.e2e.EndToEndBenchmark [events] [rounds]</pre>
 *
 * <p>{@code -Dconsentgate.bench.appJvmOptions="..."} adds options to the app JVMs; {@code {name}} in
 * them becomes the round's name ({@code enforcement-2}), e.g. for a flight recording per round.
 * {@code -Dconsentgate.bench.brokerJvmOptions="..."} adds options to the broker's JVM, e.g.
 * {@code -Djava.io.tmpdir=/dev/shm} to keep its logs in memory, away from a shared disk.
 * {@code -Dconsentgate.bench.fanOut=true} adds two rounds of {@link FanOutTopology} (Kafka's share of enforcement,
 * with and without the audit record) to each round, to tell the cost of the records Kafka moves from the cost of
 * ConsentGate's own work, and the audit record's share of the former.
 */
public final class EndToEndBenchmark {

    private static final int DEFAULT_EVENTS = 1_000_000;
    private static final int DEFAULT_ROUNDS = 3;
    private static final int CUSTOMERS = 100_000;
    /** Two partitions for two cores; one stream thread per app, as `consentgate run` starts by default. */
    private static final int PARTITIONS = 2;
    private static final List<String> BROKER_JVM = List.of("-Xmx2g");
    /**
     * The same heap for every app, so their peak RSS compare, and the locale of the service's image: under another, a
     * message Kafka Streams formats per empty input partition per record costs more on JDK 17, and more so for apps with
     * more input topics.
     */
    static final List<String> APP_JVM = List.of("-Xms256m", "-Xmx1g", "-Duser.language=en", "-Duser.country=US");
    /** Extra options for the app JVMs, space-separated: a profiler such as Java Flight Recorder. */
    private static final String APP_JVM_OPTIONS_PROPERTY = "consentgate.bench.appJvmOptions";
    /** Extra options for the broker's JVM, space-separated. */
    private static final String BROKER_JVM_OPTIONS_PROPERTY = "consentgate.bench.brokerJvmOptions";
    /** {@code -Dconsentgate.bench.skipLatency=true} leaves out the latency phase. */
    private static final String SKIP_LATENCY_PROPERTY = "consentgate.bench.skipLatency";
    /** {@code -Dconsentgate.bench.fanOut=true} adds the two fan-out apps to each round, after the hand-written join. */
    private static final String FAN_OUT_PROPERTY = "consentgate.bench.fanOut";
    /** {@code -Dconsentgate.bench.latencyRate=N} skips the throughput rounds and measures latency at N events/s. */
    private static final String LATENCY_RATE_PROPERTY = "consentgate.bench.latencyRate";
    /** The latency app's code path for events is cold when the load starts: its JIT gets this long before measuring. */
    private static final Duration LATENCY_WARM_UP = Duration.ofSeconds(Long.getLong("consentgate.bench.latencyWarmUpSeconds", 30));
    private static final Duration LATENCY_MEASURE = Duration.ofSeconds(60);

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Closing a read_committed consumer warns once per partition it had been assigned: noise here.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils", "error");
        int events = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_EVENTS;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_ROUNDS;
        Path logs = Files.createDirectories(Path.of("benchmarks", "target", "e2e-logs"));
        Policy policy = ExamplePolicy.load();
        ConsentGateConfig config = Topics.consentGateConfig();

        try (ChildJvm broker = ChildJvm.start(BrokerMain.class, jvmOptions(BROKER_JVM, BROKER_JVM_OPTIONS_PROPERTY, "broker"), List.of(), logs.resolve("broker.log"))) {
            String bootstrap = broker.awaitValue(BrokerMain.BOOTSTRAP);
            Topics.createAll(bootstrap, policy, PARTITIONS);
            BenchSchemas.registerInputSchemas();
            long loadStart = System.nanoTime();
            Workload.Loaded loaded = new Workload(events, CUSTOMERS).load(bootstrap);
            System.out.printf("Preloaded %,d events (%.0f bytes each on average) and %,d consent records for %,d customers in %.1f s%n",
                    loaded.events(), loaded.averageEventBytes(), loaded.consentRecords(), CUSTOMERS, (System.nanoTime() - loadStart) / 1e9);

            List<String> enforcementOutputs = new ArrayList<>(Topics.purposeTopics(policy));
            enforcementOutputs.add(config.auditTopic());
            enforcementOutputs.add(config.dlqTopic());
            String fixedRate = System.getProperty(LATENCY_RATE_PROPERTY);
            if (fixedRate != null) {
                // Latency alone, at a rate given instead of measured (e.g. half the median of an earlier run).
                LatencyProbe.Result latency = latency(bootstrap, logs, Integer.parseInt(fixedRate));
                System.out.println("latency (enforcement, exactly_once_v2): " + latency.describe());
                System.out.println("latency by second of the measured load: " + latency.worstSeconds());
                System.out.println("latency, steady state: " + latency.describeSteady());
                return;
            }
            List<Round> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                results.add(run(StreamsAppMain.AppKind.BASELINE, round, bootstrap, List.of(Topics.COPY), logs, events));
                results.add(run(StreamsAppMain.AppKind.ENFORCEMENT, round, bootstrap, enforcementOutputs, logs, events));
                results.add(run(StreamsAppMain.AppKind.HAND_WRITTEN_JOIN, round, bootstrap, enforcementOutputs, logs, events));
                if (Boolean.getBoolean(FAN_OUT_PROPERTY)) {
                    results.add(run(StreamsAppMain.AppKind.FAN_OUT, round, bootstrap, enforcementOutputs, logs, events));
                    results.add(run(StreamsAppMain.AppKind.FAN_OUT_WITHOUT_AUDIT, round, bootstrap, enforcementOutputs, logs, events));
                }
            }
            Report.print(results, config.auditTopic(), config.dlqTopic(), System.out);
            if (!Boolean.getBoolean(SKIP_LATENCY_PROPERTY)) {
                long half = Report.median(results, StreamsAppMain.AppKind.ENFORCEMENT, Round::eventsPerSecond) / 2;
                LatencyProbe.Result latency = latency(bootstrap, logs, (int) half);
                System.out.println();
                System.out.println("latency (enforcement, exactly_once_v2): " + latency.describe());
                System.out.println("latency by second of the measured load: " + latency.worstSeconds());
                System.out.println("latency, steady state: " + latency.describeSteady());
            }
        }
    }

    /**
     * End-to-end latency at half the measured maximum: a fresh enforcement app first reads the whole consent
     * topic (its group's offsets on the events topic are set to the end beforehand, so the preloaded events
     * are skipped), then events are offered at the fixed rate and timed to the purpose topic.
     */
    private static LatencyProbe.Result latency(String bootstrap, Path logs, int rate) throws Exception {
        String applicationId = "bench-latency";
        try (Admin admin = Topics.admin(bootstrap)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.CONTACTS)).allTopicNames().get().get(Topics.CONTACTS).partitions()
                    .forEach(p -> latest.put(new TopicPartition(Topics.CONTACTS, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(applicationId, ends).all().get();
        }
        try (ChildJvm app = ChildJvm.start(StreamsAppMain.class, jvmOptions(APP_JVM, APP_JVM_OPTIONS_PROPERTY, "latency"),
                List.of(StreamsAppMain.AppKind.ENFORCEMENT.name(), bootstrap, applicationId, StreamsAppMain.Mode.LATENCY.name()),
                logs.resolve("latency.log"))) {
            double consentSeconds = Double.parseDouble(app.awaitValue(StreamsAppMain.READY));
            System.out.printf("latency app read the consent topic in %.1f s; offering %,d events/s%n", consentSeconds, rate);
            LatencyProbe.Result result = LatencyProbe.run(bootstrap, CUSTOMERS, rate, LATENCY_WARM_UP, LATENCY_MEASURE);
            app.closeInput();
            System.out.printf("latency app peak RSS %,d MB%n", Long.parseLong(app.awaitValue(StreamsAppMain.PEAK_RSS_KB)) / 1024);
            return result;
        }
    }

    /**
     * What an app's JVM reports of its round: {@code seconds} of wall-clock time from RUNNING until its inputs were
     * committed, the CPU time its JVM and its stream thread used in them, the time its JIT spent compiling, and the
     * events and seconds of the round's second half ({@link SecondHalf}).
     */
    record Timing(double seconds, double processCpuSeconds, double streamThreadCpuSeconds, double jitSeconds,
                  long secondHalfEvents, double secondHalfSeconds) {

        static Timing readFrom(ChildJvm app) throws Exception {
            return new Timing(Double.parseDouble(app.awaitValue(StreamsAppMain.SECONDS)),
                    Double.parseDouble(app.awaitValue(StreamsAppMain.PROCESS_CPU_SECONDS)),
                    Double.parseDouble(app.awaitValue(StreamsAppMain.STREAM_THREAD_CPU_SECONDS)),
                    Double.parseDouble(app.awaitValue(StreamsAppMain.JIT_SECONDS)),
                    Long.parseLong(app.awaitValue(StreamsAppMain.SECOND_HALF_EVENTS)),
                    Double.parseDouble(app.awaitValue(StreamsAppMain.SECOND_HALF_SECONDS)));
        }
    }

    /** One app's round: its {@link Timing}, peak RSS and the records it committed to each output topic. */
    record Round(StreamsAppMain.AppKind kind, int round, int events, Timing timing, long peakRssKb, Map<String, Long> committed) {

        long eventsPerSecond() {
            return per(events, timing.seconds());
        }

        long eventsPerProcessCpuSecond() {
            return per(events, timing.processCpuSeconds());
        }

        long eventsPerStreamThreadCpuSecond() {
            return per(events, timing.streamThreadCpuSeconds());
        }

        long secondHalfEventsPerSecond() {
            return per(timing.secondHalfEvents(), timing.secondHalfSeconds());
        }

        /** 0 when no time was measured: a round so short that its halves ended in the same poll of its offsets. */
        private static long per(long count, double seconds) {
            return seconds > 0 ? Math.round(count / seconds) : 0;
        }
    }

    private static Round run(StreamsAppMain.AppKind kind, int round, String bootstrap, List<String> outputs,
                             Path logs, int events) throws Exception {
        String name = kind.label() + "-" + round;
        Map<TopicPartition, Long> before;
        try (CommittedRecords counter = new CommittedRecords(bootstrap)) {
            before = counter.ends(outputs);
        }
        Timing timing;
        long peakRssKb;
        try (ChildJvm app = ChildJvm.start(StreamsAppMain.class, jvmOptions(APP_JVM, APP_JVM_OPTIONS_PROPERTY, name),
                List.of(kind.name(), bootstrap, "bench-" + name),
                logs.resolve(name + ".log"))) {
            timing = Timing.readFrom(app);
            peakRssKb = Long.parseLong(app.awaitValue(StreamsAppMain.PEAK_RSS_KB));
        }
        Map<String, Long> committed;
        try (CommittedRecords counter = new CommittedRecords(bootstrap)) {
            committed = counter.countSince(before);
        }
        Round result = new Round(kind, round, events, timing, peakRssKb, committed);
        System.out.printf("round %d %-11s %,10d events/s  %6.1f s  second half %,10d events/s  CPU %6.1f s (stream thread %6.1f s, JIT %5.1f s)  peak RSS %,d MB  committed %s%n",
                round, kind.label(), result.eventsPerSecond(), timing.seconds(), result.secondHalfEventsPerSecond(),
                timing.processCpuSeconds(), timing.streamThreadCpuSeconds(), timing.jitSeconds(), peakRssKb / 1024,
                result.committed());
        return result;
    }

    /** {@code base} and the space-separated options of the system property {@code property}, {@code {name}} in them replaced by {@code name}. */
    static List<String> jvmOptions(List<String> base, String property, String name) {
        List<String> options = new ArrayList<>(base);
        Arrays.stream(System.getProperty(property, "").replace("{name}", name).split(" "))
                .filter(option -> !option.isBlank()).forEach(options::add);
        return options;
    }
}
