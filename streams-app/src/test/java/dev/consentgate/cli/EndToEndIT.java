package dev.consentgate.cli;

import static dev.consentgate.cli.KafkaTestSupport.header;
import static dev.consentgate.cli.KafkaTestSupport.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.demo.EmbeddedKafka;
import dev.consentgate.it.ApicurioRegistry;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.topology.ConsentGateConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service end to end with {@code run} semantics: a real KRaft broker, a real schema registry
 * (Apicurio), exactly-once, and outputs read back with read_committed consumers and compared with
 * the decisions an independent model expects.
 */
class EndToEndIT {

    private static final int PARTITIONS = 3;
    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern DECISION_SERIES = Pattern.compile(
            "consentgate_decisions_total\\{[^}]*decision=\"(\\w+)\",[^}]*purpose=\"([\\w.]+)\"[^}]*} ([0-9.E]+)");

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startBrokerAndRegistry() throws Exception {
        kafka = EmbeddedKafka.start();
        registry = ApicurioRegistry.shared();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void everyPurposeTopicAuditAndDeadLetterTopicHoldExactlyTheExpectedRecordsAndTheMetricsAgree() throws Exception {
        Run run = new Run("e2e-" + UUID.randomUUID().toString().substring(0, 8));
        EndToEndScenario scenario = new EndToEndScenario(7, 300, 3_000);
        run.produce(scenario);

        Map<String, Long> scraped;
        try (StreamsService service = StreamsService.start(run.setup(), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
            scraped = decisionCounts(scrape(service.httpPort()));
        }

        assertThat(scraped).isEqualTo(scenario.expectedDecisionCounts());
    }

    @Test
    void anInstanceStoppedMidStreamAndReplacedLeavesNoDuplicatesAndNoGaps() throws Exception {
        Run run = new Run("e2e-restart-" + UUID.randomUUID().toString().substring(0, 8));
        EndToEndScenario scenario = new EndToEndScenario(11, 300, 3_000);
        run.produce(scenario);

        int auditedBeforeStop;
        try (StreamsService first = StreamsService.start(run.setup(), "127.0.0.1", 0)) {
            auditedBeforeStop = KafkaTestSupport.readCommitted(kafka.bootstrapServers(), List.of(run.auditTopic()),
                    r -> r.size() >= 300, PROCESSING_TIMEOUT, Duration.ZERO).size();
        }
        assertThat(auditedBeforeStop).as("stopped mid-stream").isBetween(300, scenario.decidedEventIds.size() / 2);
        // A new instance with the same application.id but empty local state: it restores from the changelogs.
        try (StreamsService second = StreamsService.start(run.setup(), "127.0.0.1", 0)) {
            run.assertOutputsMatch(scenario);
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static Map<String, Long> decisionCounts(String scrape) {
        Map<String, Long> counts = new TreeMap<>();
        Matcher matcher = DECISION_SERIES.matcher(scrape);
        while (matcher.find()) {
            counts.merge(matcher.group(2) + "/" + matcher.group(1), (long) Double.parseDouble(matcher.group(3)), Long::sum);
        }
        return counts;
    }

    /** One application run: its own application id and topic names, so tests do not see each other's records. */
    private static final class Run {

        private final String applicationId;
        private final Map<String, Object> properties = new HashMap<>();
        private final Policy policy;

        Run(String applicationId) throws Exception {
            this.applicationId = applicationId;
            properties.putAll(AppProperties.defaults());
            properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
            properties.put("schema.registry.url", registry.ccompatUrl());
            properties.put(ConsentGateConfig.HMAC_KEY, "end-to-end-hmac-key-0001");
            properties.put(ConsentGateConfig.CONSENT_TOPIC, applicationId + ".consent.events");
            properties.put(ConsentGateConfig.AUDIT_TOPIC, applicationId + ".consent.audit");
            properties.put(ConsentGateConfig.DLQ_TOPIC, applicationId + ".consent.dlq");
            String yaml;
            try (InputStream in = EndToEndIT.class.getResourceAsStream("/policy/example-policy.yaml")) {
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // Per-run topic names: prefix the input and purpose topics with the application id.
            yaml = yaml.replace("topic: crm.", "topic: " + applicationId + ".crm.")
                    .replace("output_topic_prefix: crm.purpose.", "output_topic_prefix: " + applicationId + ".crm.purpose.");
            policy = PolicyParser.parse("example-policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
            createTopics();
        }

        Setup setup() throws Exception {
            Map<String, Object> withState = new HashMap<>(properties);
            withState.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("consentgate-e2e").toString());
            return new Setup(withState, new ConsentGateConfig(withState), policy);
        }

        String topic(String name) {
            return applicationId + "." + name;
        }

        String auditTopic() {
            return topic("consent.audit");
        }

        private void createTopics() throws Exception {
            Setup setup = new Setup(properties, new ConsentGateConfig(properties), policy);
            try (Admin admin = Admin.create(AppProperties.toProperties(properties))) {
                TopicProvisioner provisioner = new TopicProvisioner(admin);
                List<NewTopic> inputs = new ArrayList<>();
                for (String name : List.of("consent.events", "crm.contacts", "crm.email-engagement", "crm.lead-scores")) {
                    inputs.add(new NewTopic(topic(name), PARTITIONS, (short) 1));
                }
                provisioner.create(inputs);
                TopicLayout layout = TopicLayout.of(setup.config(), policy);
                assertThat(provisioner.checkReadTopics(layout, policy, setup.config())).isEmpty();
                provisioner.createWrittenTopics(layout, setup.config().consentTopic(), Optional.empty());
            }
        }

        void produce(EndToEndScenario scenario) {
            ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
            serializer.configure(properties, false);
            try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(kafka.bootstrapServers())) {
                for (EndToEndScenario.Message message : scenario.messages) {
                    String topic = topic(message.topic());
                    byte[] value = message.value() == null ? message.raw() : serializer.serialize(topic, message.value());
                    producer.send(new ProducerRecord<>(topic, null, message.timestamp(), message.key().getBytes(StandardCharsets.UTF_8), value));
                }
            }
        }

        void assertOutputsMatch(EndToEndScenario scenario) {
            List<String> purposeTopics = scenario.expectedByPurpose.keySet().stream().map(this::topic).toList();
            List<String> all = new ArrayList<>(purposeTopics);
            all.add(auditTopic());
            all.add(topic("consent.dlq"));
            int expectedOutputs = scenario.expectedByPurpose.values().stream().mapToInt(Map::size).sum();
            int expectedTotal = expectedOutputs + scenario.decidedEventIds.size() + scenario.poisonedKeys.size();
            List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readCommitted(kafka.bootstrapServers(), all,
                    r -> r.size() >= expectedTotal, PROCESSING_TIMEOUT);

            List<String> audited = records.stream().filter(r -> r.topic().equals(auditTopic())).map(KafkaTestSupport::key).toList();
            Map<String, Long> deadLetterReasons = records.stream().filter(r -> r.topic().equals(topic("consent.dlq")))
                    .collect(Collectors.groupingBy(r -> header(r, "consent-dlq-reason"), TreeMap::new, Collectors.counting()));
            String diagnosis = "audit records: " + audited.size() + " of " + scenario.decidedEventIds.size()
                    + ", dead letters by reason: " + deadLetterReasons + ", missing from audit: "
                    + scenario.decidedEventIds.stream().filter(id -> !audited.contains(id)).limit(20).toList();
            for (Map.Entry<String, Map<String, String>> expected : scenario.expectedByPurpose.entrySet()) {
                List<ConsumerRecord<byte[], byte[]>> received = records.stream().filter(r -> r.topic().equals(topic(expected.getKey()))).toList();
                Map<String, String> decisions = received.stream()
                        .collect(Collectors.toMap(r -> header(r, "consent-event-id"), r -> header(r, "consent-decision"), (a, b) -> "DUPLICATE"));
                assertThat(decisions).as("decisions on %s (%s)", expected.getKey(), diagnosis).containsExactlyInAnyOrderEntriesOf(expected.getValue());
                assertThat(received).as("records on %s", expected.getKey()).hasSize(expected.getValue().size());
            }
            assertThat(audited).as("one audit record per decided event").hasSize(scenario.decidedEventIds.size())
                    .containsExactlyInAnyOrderElementsOf(scenario.decidedEventIds);
            List<String> deadLettered = records.stream().filter(r -> r.topic().equals(topic("consent.dlq"))).map(KafkaTestSupport::key).toList();
            assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(scenario.poisonedKeys);
        }
    }
}
