package dev.consentgate.cli;

import static dev.consentgate.cli.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.demo.EmbeddedKafka;
import dev.consentgate.it.ApicurioRegistry;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.topology.ConsentGateConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

/** One application run: its own application id and topic names, so tests do not see each other's records. */
final class EndToEndRun {

    private static final int PARTITIONS = 3;
    static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(3);

    private final EmbeddedKafka kafka;
    private final String applicationId;
    private final Map<String, Object> properties = new HashMap<>();
    private final Policy policy;
    private final String policyYaml;

    EndToEndRun(EmbeddedKafka kafka, ApicurioRegistry registry, String applicationId) throws Exception {
        this(kafka, registry.ccompatUrl(), applicationId);
    }

    /** A run against the registry at {@code registryUrl}, e.g. a {@code mock://} scope shared in the JVM. */
    EndToEndRun(EmbeddedKafka kafka, String registryUrl, String applicationId) throws Exception {
        this.kafka = kafka;
        this.applicationId = applicationId;
        properties.putAll(AppProperties.defaults());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        properties.put("schema.registry.url", registryUrl);
        properties.put(ConsentGateConfig.HMAC_KEY, "end-to-end-hmac-key-0001");
        properties.put(ConsentGateConfig.CONSENT_TOPIC, applicationId + ".consent.events");
        properties.put(ConsentGateConfig.AUDIT_TOPIC, applicationId + ".consent.audit");
        properties.put(ConsentGateConfig.DLQ_TOPIC, applicationId + ".consent.dlq");
        String yaml;
        try (InputStream in = EndToEndRun.class.getResourceAsStream("/policy/example-policy.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Per-run topic names: prefix the input and purpose topics with the application id.
        yaml = yaml.replace("topic: crm.", "topic: " + applicationId + ".crm.")
                .replace("output_topic_prefix: crm.purpose.", "output_topic_prefix: " + applicationId + ".crm.purpose.");
        policyYaml = yaml;
        policy = PolicyParser.parse("example-policy.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        createTopics();
    }

    /** The policy file this run decides under: the example policy with this run's topic names. */
    String policyYaml() {
        return policyYaml;
    }

    /** The run's properties, without a state directory. */
    Map<String, Object> properties() {
        return new HashMap<>(properties);
    }

    Setup setup() throws Exception {
        Map<String, Object> withState = new HashMap<>(properties);
        withState.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("consentgate-e2e").toString());
        return new Setup(withState, new ConsentGateConfig(withState), policy);
    }

    /** This run's settings as a properties file, for the commands that take {@code --config}, with {@code overrides} applied. */
    Path writeConfig(Path dir, Map<String, String> overrides) throws Exception {
        Properties file = new Properties();
        properties.forEach((key, value) -> file.setProperty(key, String.valueOf(value)));
        file.putAll(overrides);
        Path path = Files.createTempFile(dir, "app-", ".properties");
        try (var out = Files.newBufferedWriter(path)) {
            file.store(out, null);
        }
        return path;
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
        send(serialize(scenario.messages));
    }

    /** The messages as records for this run's topics, registering their schemas as a producer would. */
    List<ProducerRecord<byte[], byte[]>> serialize(List<EndToEndScenario.Message> messages) {
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(properties, false);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (EndToEndScenario.Message message : messages) {
            String topic = topic(message.topic());
            byte[] value = message.value() == null ? message.raw() : serializer.serialize(topic, message.value());
            records.add(new ProducerRecord<>(topic, null, message.timestamp(), message.key().getBytes(StandardCharsets.UTF_8), value));
        }
        return records;
    }

    void send(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestSupport.producer(kafka.bootstrapServers())) {
            records.forEach(producer::send);
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
