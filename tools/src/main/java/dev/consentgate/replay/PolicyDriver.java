package dev.consentgate.replay;

import dev.consentgate.policy.InputMapping;
import dev.consentgate.policy.Policy;
import dev.consentgate.client.KeysetKek;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.enforce.EnforcementTopology;
import dev.consentgate.output.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real enforcement topology under one policy, run in a {@link TopologyTestDriver}: records are
 * processed one at a time as they are piped in, state lives in a temporary directory, and nothing
 * reaches a broker. One driver replays one consent partition, so its stores hold what that
 * partition's task held.
 */
final class PolicyDriver implements AutoCloseable {

    private static final String REPLAY_APPLICATION_ID = "consentgate-replay";
    private static final ByteArraySerializer WRITE = new ByteArraySerializer();
    private static final ByteArrayDeserializer READ = new ByteArrayDeserializer();

    /** What the topology wrote for one event: audit values, and the reasons of any dead letters. */
    record Outcome(List<byte[]> auditValues, List<String> deadLetterReasons) {
    }

    private final Policy policy;
    private final TopologyTestDriver driver;
    private final String auditTopic;
    private final String dlqTopic;
    private final TestInputTopic<byte[], byte[]> consent;
    private final TestInputTopic<byte[], byte[]> reviewDecisions;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
    private final String historyChangelog;
    /** Keys of the consent histories this driver's decisions changed since they were last shared: carried signals. */
    private final Set<String> changedHistories = new LinkedHashSet<>();
    /** The decision time of the event being decided: the driver decides on this thread, as each record is piped in. */
    private long recordedDecidedAt;

    PolicyDriver(Policy policy, Map<String, Object> configs, ReplaySerde serde, Path stateDir) {
        this.policy = policy;
        Map<String, Object> driverConfigs = new HashMap<>(configs);
        // An event held for late consent was decided when it was released: fed right after the consent
        // read up to that moment, it is decided the same way at once.
        driverConfigs.put(ConsentGateConfig.GRACE_MS, 0L);
        driverConfigs.put(StreamsConfig.APPLICATION_ID_CONFIG, REPLAY_APPLICATION_ID);
        driverConfigs.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay.invalid:9092");
        driverConfigs.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driverConfigs.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // Every history read from the store: another policy's driver may have put a history there (shareHistoriesWith).
        driverConfigs.put(ConsentGateConfig.CACHED_CUSTOMERS, 0);
        // A replay compares decisions, never ciphertexts: a key-encryption key of its own, made now and gone with it, so an
        // auditor needs no key that opens the customers' encrypted fields.
        driverConfigs.put(ConsentGateConfig.KEK, KeysetKek.generate());
        Properties properties = new Properties();
        properties.putAll(driverConfigs);
        ConsentGateConfig config = new ConsentGateConfig(driverConfigs);
        this.auditTopic = config.auditTopic();
        this.dlqTopic = config.dlqTopic();
        this.historyChangelog = REPLAY_APPLICATION_ID + "-" + EnforcementTopology.CONSENT_HISTORY_STORE + "-changelog";
        this.driver = new TopologyTestDriver(EnforcementTopology.build(policy, driverConfigs, serde, taskTime -> recordedDecidedAt), properties);
        this.consent = driver.createInputTopic(config.consentTopic(), WRITE, WRITE);
        this.reviewDecisions = policy.usesReview() ? driver.createInputTopic(config.reviewDecisionsTopic(), WRITE, WRITE) : null;
        for (InputMapping input : policy.inputs()) {
            inputs.put(input.topic(), driver.createInputTopic(input.topic(), WRITE, WRITE));
        }
    }

    Policy policy() {
        return policy;
    }

    boolean reads(String topic) {
        return inputs.containsKey(topic);
    }

    /** Applies one consent record; what the topology writes for it (a dead letter at most) is discarded. */
    void consent(ConsumerRecord<byte[], byte[]> record) {
        consent.pipeInput(testRecord(record));
        drain();
    }

    /**
     * Decides one input record at the decision time its audit record names, and returns what was written to the
     * audit and dead-letter topics. The driver's own stream time is not the task's: it never saw the task's other
     * inputs, so it could not tell which consent updates the task had judged at.
     */
    Outcome decide(ConsumerRecord<byte[], byte[]> record, long decidedAt) {
        return written(inputs.get(record.topic()), testRecord(record), decidedAt);
    }

    /** True when the policy has a purpose with {@code review: required}: reviewers' decisions can then be replayed. */
    boolean reviews() {
        return reviewDecisions != null;
    }

    /** Applies a reviewer's decision, given as the replay's own copy of it, at the decision time its audit record names. */
    Outcome review(TestRecord<byte[], byte[]> decision, long decidedAt) {
        return written(reviewDecisions, decision, decidedAt);
    }

    private Outcome written(TestInputTopic<byte[], byte[]> topic, TestRecord<byte[], byte[]> record, long decidedAt) {
        recordedDecidedAt = decidedAt;
        topic.pipeInput(record);
        List<byte[]> audit = new ArrayList<>();
        written(auditTopic).forEach(r -> audit.add(r.value()));
        List<String> deadLetters = new ArrayList<>();
        for (TestRecord<byte[], byte[]> dead : written(dlqTopic)) {
            Header reason = dead.headers().lastHeader(OutputHeaders.DLQ_REASON);
            deadLetters.add(reason == null ? "unknown" : new String(reason.value(), StandardCharsets.UTF_8));
        }
        written(historyChangelog).forEach(change -> changedHistories.add(new String(change.key(), StandardCharsets.UTF_8)));
        drain();
        return new Outcome(audit, deadLetters);
    }

    /**
     * Puts the consent histories this driver's decisions changed since the last call into {@code others}' stores. The
     * service keeps one history per customer, in which a statement a signal carried by an event made under one policy counts
     * for the decisions under the next; the replay keeps one per policy, so it hands such statements on. Consent records
     * reach every driver alike and need no sharing.
     */
    void shareHistoriesWith(Collection<PolicyDriver> others) {
        if (changedHistories.isEmpty()) {
            return;
        }
        KeyValueStore<String, Object> mine = driver.getKeyValueStore(EnforcementTopology.CONSENT_HISTORY_STORE);
        Map<String, Object> changed = new HashMap<>();
        changedHistories.forEach(key -> changed.put(key, mine.get(key)));
        for (PolicyDriver other : others) {
            if (other != this) {
                KeyValueStore<String, Object> theirs = other.driver.getKeyValueStore(EnforcementTopology.CONSENT_HISTORY_STORE);
                changed.forEach(theirs::put);
            }
        }
        changedHistories.clear();
    }

    /** The driver keeps every output in memory until read: purpose records and changelogs are dropped as they come. */
    private void drain() {
        for (String topic : driver.producedTopicNames()) {
            output(topic).readRecordsToList();
        }
    }

    /** What the topology wrote to {@code topic}; none for a topic it never wrote to, which the driver would warn about on each read. */
    private List<TestRecord<byte[], byte[]>> written(String topic) {
        return driver.producedTopicNames().contains(topic) ? output(topic).readRecordsToList() : List.of();
    }

    private TestOutputTopic<byte[], byte[]> output(String topic) {
        return outputs.computeIfAbsent(topic, t -> driver.createOutputTopic(t, READ, READ));
    }

    private static TestRecord<byte[], byte[]> testRecord(ConsumerRecord<byte[], byte[]> record) {
        return new TestRecord<>(record.key(), record.value(), record.headers(), record.timestamp());
    }

    @Override
    public void close() {
        driver.close();
    }
}
