package dev.consentgate.testing;

import dev.consentgate.enforce.StreamsDefaults;
import dev.consentgate.topics.TopicLayout;
import dev.consentgate.topics.TopicProvisioner;
import static dev.consentgate.testing.KafkaTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.serde.ConfluentAvroSerializer;
import dev.consentgate.config.ConsentGateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;

/**
 * One application run: its own application id and topic names, so tests do not see each other's
 * records. Shared by the end-to-end tests here and the reliability tests, which run the service as
 * the runnable jar from the {@link #writeConfig configuration} and {@link #writePolicy policy} files
 * of the run.
 */
public final class EndToEndRun {

    private static final int PARTITIONS = 3;
    public static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(3);
    /** How many differences an assertion lists; the rest are counted. */
    private static final int DIFFERENCES_SHOWN = 20;

    private final String bootstrapServers;
    private final Map<String, Object> clientSettings;
    private final String applicationId;
    private final String topicPrefix;
    private final int partitions;
    private final Map<String, Object> properties = new HashMap<>();
    private final String policyYaml;
    private final Policy policy;

    public EndToEndRun(String bootstrapServers, ApicurioRegistry registry, String applicationId) throws Exception {
        this(bootstrapServers, registry.ccompatUrl(), applicationId);
    }

    /** A run against the broker at {@code bootstrapServers} and the registry at {@code registryUrl}, e.g. a {@code mock://} scope shared in the JVM. */
    public EndToEndRun(String bootstrapServers, String registryUrl, String applicationId) throws Exception {
        this(bootstrapServers, registryUrl, applicationId, PARTITIONS);
    }

    /** A run whose input topics, and so the consent topic's copies, have {@code partitions} partitions: one task each. */
    public EndToEndRun(String bootstrapServers, String registryUrl, String applicationId, int partitions) throws Exception {
        this(bootstrapServers, Map.of(), registryUrl, applicationId, applicationId + ".", partitions);
        createWrittenTopics();
    }

    /**
     * A run under the topic names a deployment has: the example policy's and ConsentGate's defaults, without a prefix,
     * so that what a deployment names (ACLs) applies as it is. The test's own clients (creating the input topics,
     * producing the scenario, reading the outputs) connect with {@code clientSettings}, e.g. a secured broker's
     * administrator; {@link #writeConfig} does not write them, so a service of the run connects as its overrides say.
     * Only the topics ConsentGate reads are created: {@code consentgate topics create} makes the rest.
     */
    public static EndToEndRun withDeploymentTopicNames(String bootstrapServers, Map<String, ?> clientSettings, String registryUrl,
                                                       String applicationId) throws Exception {
        return new EndToEndRun(bootstrapServers, clientSettings, registryUrl, applicationId, "", PARTITIONS);
    }

    private EndToEndRun(String bootstrapServers, Map<String, ?> clientSettings, String registryUrl, String applicationId,
                        String topicPrefix, int partitions) throws Exception {
        this.bootstrapServers = bootstrapServers;
        this.clientSettings = Map.copyOf(clientSettings);
        this.applicationId = applicationId;
        this.topicPrefix = topicPrefix;
        this.partitions = partitions;
        properties.putAll(StreamsDefaults.defaults());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        properties.put("schema.registry.url", registryUrl);
        properties.put(ConsentGateConfig.HMAC_KEY, "end-to-end-hmac-key-0001-abcdefghijklmnopqrst");
        properties.put(ConsentGateConfig.CONSENT_TOPIC, topic("consent.events"));
        properties.put(ConsentGateConfig.AUDIT_TOPIC, topic("consent.audit"));
        properties.put(ConsentGateConfig.DLQ_TOPIC, topic("consent.dlq"));
        properties.put(ConsentGateConfig.REROUTED_CONSENT_TOPIC, topic("consent.events.rerouted"));
        properties.put(ConsentGateConfig.CHECKPOINT_TOPIC, topic("consent.audit.checkpoints"));
        properties.put(ConsentGateConfig.POLICIES_TOPIC, topic("consent.policies"));
        properties.put(ConsentGateConfig.KEYS_TOPIC, topic("consent.keys"));
        properties.put(ConsentGateConfig.ERASURE_TOPIC, topic("privacy.erasure"));
        properties.put(ConsentGateConfig.SIGNALS_TOPIC, topic("consent.signals"));
        policyYaml = topicPrefix.isEmpty() ? examplePolicy() : examplePolicyFor(applicationId);
        policy = PolicyParser.parse("example-policy.yaml", policyYaml.getBytes(StandardCharsets.UTF_8));
        createReadTopics();
    }

    /** The bundled example policy with its input and purpose topics prefixed by {@code prefix}, one run's topics. */
    public static String examplePolicyFor(String prefix) throws IOException {
        return examplePolicy().replace("topic: crm.", "topic: " + prefix + ".crm.")
                .replace("output_topic_prefix: crm.purpose.", "output_topic_prefix: " + prefix + ".crm.purpose.");
    }

    private static String examplePolicy() throws IOException {
        try (InputStream in = EndToEndRun.class.getResourceAsStream("/policy/example-policy.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes this run's policy as the file of {@code consentgate run --policy}. */
    public Path writePolicy(Path file) throws IOException {
        return Files.writeString(file, policyYaml);
    }

    /** The policy file this run decides under: the example policy with this run's topic names. */
    public String policyYaml() {
        return policyYaml;
    }

    /** The run's properties, without a state directory: what {@code --config} holds, e.g. for a replay. */
    public Map<String, Object> properties() {
        return new HashMap<>(properties);
    }

    /** The run's properties with {@code overrides} and a fresh state directory: what a service of the run starts with. */
    public Map<String, Object> withStateDir(Map<String, Object> overrides) throws IOException {
        Map<String, Object> withState = new HashMap<>(properties);
        withState.putAll(overrides);
        withState.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("consentgate-e2e").toString());
        return withState;
    }

    /** The policy this run decides under. */
    public Policy policy() {
        return policy;
    }

    /** This run's settings as a properties file, for the commands that take {@code --config}, with {@code overrides} applied. */
    public Path writeConfig(Path dir, Map<String, String> overrides) throws IOException {
        Properties file = new Properties();
        properties.forEach((key, value) -> file.setProperty(key, String.valueOf(value)));
        file.putAll(overrides);
        Path path = Files.createTempFile(dir, "app-", ".properties");
        try (var out = Files.newBufferedWriter(path)) {
            file.store(out, null);
        }
        return path;
    }

    public String topic(String name) {
        return topicPrefix + name;
    }

    public String auditTopic() {
        return topic("consent.audit");
    }

    /** The test's own clients' settings: the run's properties and the client settings it was given. */
    private Map<String, Object> clientProperties() {
        Map<String, Object> client = new HashMap<>(properties);
        client.putAll(clientSettings);
        return client;
    }

    private void createReadTopics() throws Exception {
        ConsentGateConfig config = new ConsentGateConfig(properties);
        try (Admin admin = Admin.create(clientProperties())) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            List<NewTopic> inputs = new ArrayList<>();
            for (String name : List.of("consent.events", "consent.signals", "crm.contacts", "crm.email-engagement", "crm.lead-scores")) {
                inputs.add(new NewTopic(topic(name), partitions, (short) 1));
            }
            provisioner.create(inputs);
            TopicLayout layout = TopicLayout.of(config, policy);
            // A loaded broker may list a topic a moment after creating it.
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(provisioner.checkReadTopics(layout, policy, config)).isEmpty());
        }
    }

    /** The topics the service writes, with the consent topic's partitions, as {@code consentgate topics create} makes them. */
    private void createWrittenTopics() throws Exception {
        ConsentGateConfig config = new ConsentGateConfig(properties);
        try (Admin admin = Admin.create(clientProperties())) {
            new TopicProvisioner(admin).createWrittenTopics(TopicLayout.of(config, policy), config.consentTopic(), Optional.empty());
        }
    }

    public void produce(EndToEndScenario scenario) {
        send(serialize(scenario.messages));
    }

    /** The messages as records for this run's topics, registering their schemas as a producer would. */
    public List<ProducerRecord<byte[], byte[]>> serialize(List<EndToEndScenario.Message> messages) {
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

    /** Sends the records and waits until the broker has them all; fails if any cannot be sent. */
    public void send(List<ProducerRecord<byte[], byte[]>> records) {
        send(records, Map.of());
    }

    /** As {@link #send(List)} with a producer configured with {@code producerOverrides}, e.g. another partitioner. */
    public void send(List<ProducerRecord<byte[], byte[]>> records, Map<String, ?> producerOverrides) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.putAll(producerOverrides);
        KafkaTestSupport.send(bootstrapServers, records, settings);
    }

    public void assertOutputsMatch(EndToEndScenario scenario) {
        assertOutputsMatch(scenario, PROCESSING_TIMEOUT);
    }

    /**
     * Reads every purpose topic, the audit and the dead-letter topic with a read_committed consumer and
     * asserts that they hold exactly the records the scenario expects, each once: the (event id,
     * decision) pairs of each purpose topic, one audit record per decided event, one dead letter per
     * poisoned record. Comparisons go through hash maps, so that runs of 100,000 events check fast.
     */
    public void assertOutputsMatch(EndToEndScenario scenario, Duration timeout) {
        List<String> purposeTopics = scenario.expectedByPurpose.keySet().stream().map(this::topic).toList();
        List<String> all = new ArrayList<>(purposeTopics);
        all.add(auditTopic());
        all.add(topic("consent.dlq"));
        int expectedOutputs = scenario.expectedByPurpose.values().stream().mapToInt(Map::size).sum();
        int expectedTotal = expectedOutputs + scenario.decidedEventIds.size() + scenario.poisonedKeys.size();
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readCommitted(bootstrapServers, clientSettings, all,
                r -> r.size() >= expectedTotal, timeout);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::topic));

        List<String> audited = keys(byTopic.get(auditTopic()));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = byTopic.getOrDefault(topic("consent.dlq"), List.of());
        Map<String, Long> deadLetterReasons = deadLetters.stream()
                .collect(Collectors.groupingBy(r -> header(r, "consent-dlq-reason"), TreeMap::new, Collectors.counting()));
        Set<String> auditedIds = new HashSet<>(audited);
        String diagnosis = "audit records: " + audited.size() + " of " + scenario.decidedEventIds.size()
                + ", dead letters by reason: " + deadLetterReasons + ", missing from audit: "
                + scenario.decidedEventIds.stream().filter(id -> !auditedIds.contains(id)).limit(DIFFERENCES_SHOWN).toList();
        for (Map.Entry<String, Map<String, String>> expected : scenario.expectedByPurpose.entrySet()) {
            List<ConsumerRecord<byte[], byte[]>> received = byTopic.getOrDefault(topic(expected.getKey()), List.of());
            Map<String, String> decisions = received.stream()
                    .collect(Collectors.toMap(r -> header(r, "consent-event-id"), r -> header(r, "consent-decision"), (a, b) -> "DUPLICATE"));
            assertThat(differences(decisions, expected.getValue()))
                    .as("decisions on %s that differ from the expected (%s)", expected.getKey(), diagnosis).isEmpty();
            assertThat(received.size()).as("records on %s", expected.getKey()).isEqualTo(expected.getValue().size());
        }
        assertThat(differences(occurrences(audited), occurrences(scenario.decidedEventIds)))
                .as("audit records per event id that differ from one per decided event (%s)", diagnosis).isEmpty();
        assertThat(differences(occurrences(keys(deadLetters)), occurrences(scenario.poisonedKeys)))
                .as("dead letters that differ from one per poisoned record (%s)", diagnosis).isEmpty();
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records == null ? List.of() : records.stream().map(KafkaTestSupport::key).toList();
    }

    private static Map<String, Long> occurrences(List<String> values) {
        return values.stream().collect(Collectors.groupingBy(v -> v, HashMap::new, Collectors.counting()));
    }

    /** The first differences between two maps as "key: actual (expected)" lines, and how many there are in all. */
    private static <V> List<String> differences(Map<String, V> actual, Map<String, V> expected) {
        Set<String> keys = new TreeSet<>(actual.keySet());
        keys.addAll(expected.keySet());
        List<String> differences = keys.stream()
                .filter(key -> !Objects.equals(actual.get(key), expected.get(key)))
                .map(key -> key + ": " + actual.get(key) + " (expected " + expected.get(key) + ")")
                .toList();
        if (differences.size() <= DIFFERENCES_SHOWN) {
            return differences;
        }
        List<String> shown = new ArrayList<>(differences.subList(0, DIFFERENCES_SHOWN));
        shown.add("... " + (differences.size() - DIFFERENCES_SHOWN) + " more");
        return shown;
    }
}
