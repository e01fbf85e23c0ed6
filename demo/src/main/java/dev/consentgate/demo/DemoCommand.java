package dev.consentgate.demo;

import dev.consentgate.cli.AppProperties;
import dev.consentgate.cli.CommandFailure;
import dev.consentgate.topics.TopicLayout;
import dev.consentgate.topics.TopicProvisioner;
import dev.consentgate.enforce.StreamsDefaults;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.cli.StreamsService;
import dev.consentgate.testing.EmbeddedKafka;
import dev.consentgate.client.KeysetKek;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.Purpose;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.replay.ReplayReport;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.config.ConsentGateConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code consentgate demo}: the whole pipeline on one machine with nothing installed. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline in this process: a single-node KRaft broker, an in-memory schema registry, "
                + "the bundled example policy, generated consents and CRM events, live decision counts, and /metrics.",
                "With --events N it stops after N events, prints a summary, approves a held record, erases a customer, replays every "
                        + "decision against the audit topic and exits 0, or 5 if a replayed decision differs."})
final class DemoCommand implements Callable<Integer> {

    private static final int PARTITIONS = 3;
    private static final String CLEAR_SCREEN = "\033[H\033[2J";
    /** The purpose whose email the demo encrypts, so that its end can show an erasure reaching what was delivered before. */
    private static final String ENCRYPTING_PURPOSE = "marketing.communications.email";
    private static final String ENCRYPTING_RULE = "    allow_categories: [user.contact.email, user.name, user.unique_id, system.operations]\n";
    /** The purpose whose records wait for a reviewer, so that the demo can show one review decision. */
    private static final String REVIEWED_PURPOSE = "sales.prospecting";
    private static final String REVIEWED_RULE = "  " + REVIEWED_PURPOSE + ":\n    basis: consent\n";

    @Option(names = "--events", paramLabel = "N", description = "Process N events, print a summary and exit (default: run until Ctrl-C).")
    Long events;

    @Option(names = "--customers", paramLabel = "N", defaultValue = "5000", description = "Number of customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--rate", paramLabel = "EVENTS/S", defaultValue = "500", description = "Events produced per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080", description = "Port of /metrics and /health (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // The demo runs a broker in this process: its start-up chatter and transient retries are not the user's concern.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "off");
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting a single-node Kafka broker in this process...");
        out.flush();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Setup setup = setup(kafka.bootstrapServers());
            try {
                return run(kafka, setup, out);
            } finally {
                // The run's stores, like its broker, are of no use after it.
                Utils.delete(new File(setup.properties().get(StreamsConfig.STATE_DIR_CONFIG).toString()));
            }
        }
    }

    private int run(EmbeddedKafka kafka, Setup setup, PrintWriter out) throws Exception {
        createTopics(setup);
        DecisionTally tally = new DecisionTally();
        try (StreamsService service = StreamsService.start(setup, "127.0.0.1", httpPort);
             TopicFollower follower = new TopicFollower(kafka.bootstrapServers(), setup.properties(),
                     setup.config().auditTopic(), setup.config().dlqTopic(), tally);
             KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
            ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
            serializer.configure(setup.properties(), false);
            long produced = produce(producer, serializer, service, tally, out);
            int exit = summary(tally, produced, service.httpPort(), out);
            showReview(setup, producer, serializer, out);
            showErasure(setup, producer, serializer, out);
            return showReplay(setup, out) ? exit : ExitCodes.AUDIT_DIFFERENCE;
        }
    }

    private static String randomKey() {
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Setup setup(String bootstrapServers) throws IOException {
        Map<String, Object> properties = new HashMap<>(StreamsDefaults.defaults());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "consentgate-demo");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("consentgate-demo").toString());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        properties.put("schema.registry.url", "mock://consentgate-demo");
        // A fresh random key per run, as `openssl rand -base64 48` makes one: the demo's hashes are meant to be unlinkable
        // to any other run.
        properties.put(ConsentGateConfig.HMAC_KEY, randomKey());
        // And a fresh key-encryption key: the demo's encrypted fields open in this run only.
        properties.put(ConsentGateConfig.KEK, KeysetKek.generate());
        return new Setup(properties, new ConsentGateConfig(properties), policy());
    }

    /**
     * The example policy, with the marketing purpose's email encrypted under each customer's data key, and the sales
     * purpose's records waiting for a reviewer.
     */
    private static Policy policy() throws IOException {
        String example;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/policy/example-policy.yaml")) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int rule = example.indexOf("  " + ENCRYPTING_PURPOSE + ":\n");
        int allow = example.indexOf(ENCRYPTING_RULE, rule);
        if (rule < 0 || allow < 0) {
            throw new IllegalStateException("the example policy no longer has the rule the demo encrypts: " + ENCRYPTING_PURPOSE);
        }
        int end = allow + ENCRYPTING_RULE.length();
        String encrypting = example.substring(0, end) + "    encrypt_categories: [user.contact.email]\n" + example.substring(end);
        if (!encrypting.contains(REVIEWED_RULE)) {
            throw new IllegalStateException("the example policy no longer has the rule the demo reviews: " + REVIEWED_PURPOSE);
        }
        String yaml = encrypting.replace(REVIEWED_RULE, REVIEWED_RULE + "    review: required\n");
        return PolicyParser.parse("example-policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** Approves one record held for the reviewed purpose, and shows the decision made again at approval. */
    private static void showReview(Setup setup, KafkaProducer<byte[], byte[]> producer, ConfluentAvroSerializer serializer, PrintWriter out)
            throws InterruptedException {
        ReviewShowcase showcase = new ReviewShowcase(setup.properties(), setup.config().reviewTopic(), setup.config().reviewDecisionsTopic(),
                setup.config().auditTopic());
        out.println();
        out.println("Review of one record of " + REVIEWED_PURPOSE + " (review: required):");
        out.flush();
        showcase.run(producer, serializer).forEach(line -> out.println("  " + line));
        out.flush();
    }

    /** Erases one customer whose email the encrypting purpose received, and shows what the purpose can still read. */
    private static void showErasure(Setup setup, KafkaProducer<byte[], byte[]> producer, ConfluentAvroSerializer serializer, PrintWriter out)
            throws InterruptedException {
        String purposeTopic = setup.policy().ruleFor(Purpose.of(ENCRYPTING_PURPOSE)).orElseThrow().outputTopic();
        ErasureShowcase showcase = new ErasureShowcase(setup.properties(), purposeTopic, setup.config().keysTopic(),
                setup.config().keyEncryptionKey().orElseThrow());
        out.println();
        out.println("Erasure of one customer whose email " + ENCRYPTING_PURPOSE + " received encrypted (encrypt_categories):");
        out.flush();
        showcase.run(customer -> {
            send(producer, serializer, DemoTraffic.erasure(customer, System.currentTimeMillis()));
            producer.flush();
        }).forEach(line -> out.println("  " + line));
        out.flush();
    }

    /** Replays the whole run against its audit topic; false when a decision differs from its audit record. */
    private static boolean showReplay(Setup setup, PrintWriter out) {
        out.println();
        out.println("Replay of every decision above from " + setup.config().consentTopic() + " and the input topics, at the decision time");
        out.println("and consent offsets each audit record names (consentgate replay):");
        out.flush();
        ReplayReport report = ReplayShowcase.run(setup.properties(), setup.policy());
        report.text().lines().forEach(line -> out.println(line.isEmpty() ? line : "  " + line));
        out.flush();
        return report.allMatch();
    }

    /** The demo owns its broker, so it also creates the topics ConsentGate reads. */
    private static void createTopics(Setup setup) throws Exception {
        try (Admin admin = Admin.create(AppProperties.toProperties(setup.properties()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            List<NewTopic> inputs = new ArrayList<>();
            inputs.add(new NewTopic(DemoTraffic.CONSENT_TOPIC, PARTITIONS, (short) 1).configs(TopicLayout.KEEP_FOREVER));
            inputs.add(new NewTopic(DemoTraffic.SIGNALS_TOPIC, PARTITIONS, (short) 1));
            DemoTraffic.INPUT_TOPICS.forEach(t -> inputs.add(new NewTopic(t, PARTITIONS, (short) 1)));
            provisioner.create(inputs);
            provisioner.createWrittenTopics(TopicLayout.of(setup.config(), setup.policy()), setup.config().consentTopic(), Optional.empty());
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Produces the traffic at the chosen rate, refreshing the board every second; returns the input records sent. */
    private long produce(KafkaProducer<byte[], byte[]> producer, ConfluentAvroSerializer serializer, StreamsService service,
                         DecisionTally tally, PrintWriter out) throws InterruptedException {
        DemoTraffic traffic = new DemoTraffic(42, customers);
        traffic.initialConsents().forEach(m -> send(producer, serializer, m));
        long sent = 0;
        long startedAt = System.nanoTime();
        long nextRefresh = 0;
        while (events == null || sent < events) {
            for (DemoTraffic.Message message : traffic.next()) {
                send(producer, serializer, message);
                if (DemoTraffic.INPUT_TOPICS.contains(message.topic())) {
                    sent++;
                }
            }
            long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
            long aheadMs = sent * 1000 / rate - elapsedMs;
            if (aheadMs > 0) {
                Thread.sleep(aheadMs);
            }
            if (elapsedMs >= nextRefresh) {
                board(tally, service, out);
                nextRefresh = elapsedMs + 1000;
            }
        }
        producer.flush();
        waitUntilDecided(tally, sent, service, out);
        return sent;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ConfluentAvroSerializer serializer, DemoTraffic.Message message) {
        byte[] value = message.rawValue() != null ? message.rawValue() : serializer.serialize(message.topic(), message.value());
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(message.topic(), message.key().getBytes(StandardCharsets.UTF_8), value);
        message.headers().forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
    }

    private void waitUntilDecided(DecisionTally tally, long sent, StreamsService service, PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (tally.events() + tally.deadLetters() < sent) {
            if (System.nanoTime() > deadline || service.awaitStop(Duration.ofSeconds(1))) {
                throw new CommandFailure(ExitCodes.RUNTIME_FAILURE, "only " + (tally.events() + tally.deadLetters())
                        + " of " + sent + " events were decided; Kafka Streams is " + service.state());
            }
            board(tally, service, out);
        }
    }

    private void board(DecisionTally tally, StreamsService service, PrintWriter out) {
        boolean terminal = System.console() != null;
        out.print(terminal ? CLEAR_SCREEN : "\n");
        out.printf("ConsentGate demo  |  Kafka Streams %s  |  metrics: http://127.0.0.1:%d/metrics%n%n", service.state(), service.httpPort());
        out.print(BoardRenderer.table(tally));
        out.flush();
    }

    private static int summary(DecisionTally tally, long produced, int port, PrintWriter out) {
        out.println();
        out.println("Summary: " + produced + " CRM events produced; every one decided or dead-lettered.");
        out.println();
        out.print(BoardRenderer.table(tally));
        out.println();
        out.println("Example decisions from the audit topic (customer ids are only ever stored as keyed hashes):");
        tally.examples().forEach(e -> out.println("  " + e));
        out.println();
        out.println("Privacy signals: TCF, GPP and GPC from consent.signals and from contact-update headers (x-tc-string,");
        out.println("x-gpp-string, sec-gpc) are consent statements too; the decisions above that rest on one:");
        out.print(BoardRenderer.signals(tally));
        out.println();
        out.println("permit: the purpose got the record, minimized to the data categories it may see");
        out.println("redact: the purpose got a pseudonymized record (fields removed, hashed with a keyed HMAC or generalized)");
        out.println("tag:    the purpose got the record marked with the decision (consent-* headers)");
        out.println("drop:   the purpose got nothing; consent.audit says why");
        out.flush();
        return ExitCodes.OK;
    }
}
