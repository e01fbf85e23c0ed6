package dev.consentgate.bench.e2e;

import dev.consentgate.bench.ExamplePolicy;
import dev.consentgate.bench.SampleContacts;
import dev.consentgate.policy.Policy;
import dev.consentgate.schema.ConsentEvent;
import dev.consentgate.schema.ConsentStatus;
import dev.consentgate.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long the consent store takes to come back from its changelog when local state is lost: a broker in
 * its own JVM; the consent topic preloaded with {@code customers} × 3 purposes granted; the enforcement app
 * run until it has read them all (its stores and their changelogs now hold them), then stopped; its state
 * directory wiped; and the app started again on the same application id, timed from start until Kafka
 * Streams reports RUNNING, which it does once every store is restored. Each app run is a fresh JVM, and
 * reports its peak RSS.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.consentgate.bench.e2e.RestoreBenchmark [customers]</pre>
 *
 * <p>{@code -Dconsentgate.bench.appJvmOptions="..."} adds options to the restoring app's JVM ({@code {name}} becomes
 * {@code restore}), e.g. a flight recording of the restore.
 */
public final class RestoreBenchmark {

    private static final int DEFAULT_CUSTOMERS = 1_000_000;
    private static final List<String> PURPOSES = List.of("marketing", "analytics.reporting", "personalize.profiling");
    private static final int PARTITIONS = 2;
    private static final List<String> BROKER_JVM = List.of("-Xmx2g");
    private static final String APPLICATION_ID = "bench-restore";

    private RestoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils", "error");
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CUSTOMERS;
        Path logs = Files.createDirectories(Path.of("benchmarks", "target", "e2e-logs"));
        Path stateDir = Files.createTempDirectory("consentgate-restore");
        Policy policy = ExamplePolicy.load();
        try (ChildJvm broker = ChildJvm.start(BrokerMain.class, BROKER_JVM, List.of(), logs.resolve("restore-broker.log"))) {
            String bootstrap = broker.awaitValue(BrokerMain.BOOTSTRAP);
            Topics.createAll(bootstrap, policy, PARTITIONS);
            BenchSchemas.registerInputSchemas();
            long loadStart = System.nanoTime();
            long records = preload(bootstrap, customers);
            System.out.printf("Preloaded %,d consent records for %,d customers in %.1f s%n", records, customers, (System.nanoTime() - loadStart) / 1e9);

            List<String> ingest = List.of(StreamsAppMain.AppKind.ENFORCEMENT.name(), bootstrap, APPLICATION_ID,
                    StreamsAppMain.Mode.THROUGHPUT.name(), stateDir.toString());
            try (ChildJvm app = ChildJvm.start(StreamsAppMain.class, EndToEndBenchmark.APP_JVM, ingest, logs.resolve("restore-ingest.log"))) {
                double seconds = Double.parseDouble(app.awaitValue(StreamsAppMain.SECONDS));
                long rss = Long.parseLong(app.awaitValue(StreamsAppMain.PEAK_RSS_KB));
                System.out.printf("ingest: %,d consent records read and stored in %.1f s (%,.0f records/s), peak RSS %,d MB%n",
                        records, seconds, records / seconds, rss / 1024);
            }
            System.out.printf("changelogs: %s%n", changelogEnds(bootstrap));
            long stateBytes = sizeOf(stateDir);
            wipe(stateDir);
            System.out.printf("state directory wiped (%,d MB)%n", stateBytes / (1024 * 1024));

            List<String> restore = List.of(StreamsAppMain.AppKind.ENFORCEMENT.name(), bootstrap, APPLICATION_ID,
                    StreamsAppMain.Mode.RESTORE.name(), stateDir.toString());
            List<String> restoreJvm = EndToEndBenchmark.jvmOptions(EndToEndBenchmark.APP_JVM, "consentgate.bench.appJvmOptions", "restore");
            try (ChildJvm app = ChildJvm.start(StreamsAppMain.class, restoreJvm, restore, logs.resolve("restore-restore.log"))) {
                double seconds = Double.parseDouble(app.awaitValue(StreamsAppMain.SECONDS));
                long restored = Long.parseLong(app.awaitValue(StreamsAppMain.RESTORED));
                double restoring = Double.parseDouble(app.awaitValue(StreamsAppMain.RESTORE_SECONDS));
                long rss = Long.parseLong(app.awaitValue(StreamsAppMain.PEAK_RSS_KB));
                System.out.printf("restore: RUNNING %.1f s after start, %.1f s after the first store began restoring;"
                        + " %,d changelog records restored (%,.0f records/s while restoring), peak RSS %,d MB%n",
                        seconds, restoring, restored, restored / restoring, rss / 1024);
                System.out.printf("target: restore <= 60 s and RSS < 1.5 GB: %s%n", seconds <= 60 && rss < 1536 * 1024 ? "met" : "missed");
            }
        } finally {
            wipe(stateDir);
        }
    }

    /** Three grants per customer, in capture order per partition as a consent platform would publish them. */
    private static long preload(String bootstrap, int customers) {
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(Map.of("schema.registry.url", BenchSchemas.REGISTRY_URL), false);
        Random random = new Random(42);
        long start = Instant.now().minus(Duration.ofHours(4)).toEpochMilli();
        long span = Duration.ofHours(2).toMillis();
        long records = 0;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < customers; i++) {
                String customer = SampleContacts.customerId(i);
                String jurisdiction = i % 4 == 0 ? "US-CA" : "EU";
                // Customers in order of their first capture time, so the topic is in capture order.
                long capturedAt = start + (long) i * span / customers;
                for (String purpose : PURPOSES) {
                    ConsentEvent consent = ConsentEvent.newBuilder()
                            .setConsentId("cmp-" + Long.toHexString(random.nextLong()))
                            .setCustomerId(customer)
                            .setPurpose(purpose)
                            .setStatus(ConsentStatus.GRANTED)
                            .setCapturedAt(Instant.ofEpochMilli(capturedAt))
                            .setJurisdiction(jurisdiction)
                            .setSource("web-banner")
                            .setNoticeVersion("privacy-notice-2026-10")
                            .build();
                    byte[] value = serializer.serialize(Topics.CONSENT, consent);
                    producer.send(new ProducerRecord<>(Topics.CONSENT, null, capturedAt, customer.getBytes(StandardCharsets.UTF_8), value));
                    records++;
                }
            }
            producer.flush();
        }
        return records;
    }

    /** Records in each changelog topic of the app (end offsets summed over partitions). */
    private static Map<String, Long> changelogEnds(String bootstrap) throws Exception {
        try (Admin admin = Topics.admin(bootstrap)) {
            List<String> changelogs = admin.listTopics().names().get().stream()
                    .filter(name -> name.startsWith(APPLICATION_ID + "-") && name.endsWith("-changelog")).sorted().toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(changelogs).allTopicNames().get().forEach((topic, description) ->
                    description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<String, Long> ends = new java.util.TreeMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) ->
                    ends.merge(partition.topic().substring(APPLICATION_ID.length() + 1), info.offset(), Long::sum));
            return ends;
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    /** Deletes the state directory's contents: what a lost volume or a new host leaves. */
    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            all.sort(Comparator.reverseOrder());
            for (Path path : all) {
                if (!path.equals(dir)) {
                    Files.delete(path);
                }
            }
        }
    }
}
