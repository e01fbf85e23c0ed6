package dev.consentgate.reliability;

import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.KafkaTestSupport;
import dev.consentgate.testing.RunnableJar;
import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import dev.consentgate.replay.ReplayEngine;
import dev.consentgate.replay.ReplayReport;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import dev.consentgate.serde.AvroSerdeConfig;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One run of {@link RestartDeterminismIT}: its own application id and topics ({@link EndToEndRun}, 4
 * partitions, so 4 tasks), service instances as the runnable jar in child JVMs, each with a state
 * directory of its own ({@code state-<instance>}), and the observable conditions the test waits on:
 * every consent record read (the group's committed offsets on the consent topic at its end offsets),
 * which instance owns which consent partitions, every audit record committed. Logs and state
 * directories are kept under {@code target/reliability/<run>/}.
 */
final class RestartRun implements AutoCloseable {

    static final int PARTITIONS = 4;
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** One audit record as the comparison sees it: the jurisdiction, the event's own reasons and per purpose "DECISION [REASONS]". */
    record Audited(String jurisdiction, List<String> eventReasons, Map<String, String> decisions) {
    }

    final String applicationId;
    final EndToEndRun run;
    private final String name;
    private final String bootstrapServers;
    private final Path dir;
    private final Path policy;
    private final List<RunnableJar> services = new ArrayList<>();
    private final long createdAt = System.nanoTime();

    RestartRun(String bootstrapServers, String name) throws Exception {
        this.name = name;
        this.bootstrapServers = bootstrapServers;
        applicationId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        dir = Files.createDirectories(Path.of("target", "reliability", applicationId)).toAbsolutePath();
        run = new EndToEndRun(bootstrapServers, ApicurioRegistry.shared().ccompatUrl(), applicationId, PARTITIONS);
        policy = run.writePolicy(dir.resolve("policy.yaml"));
    }

    Path stateDir(String instance) {
        return dir.resolve("state-" + instance);
    }

    /**
     * Starts instance {@code instance} (its client id, so the group's members tell the instances apart) on its own
     * state directory, with {@code overrides} of its settings, and waits until it is ready (Kafka Streams RUNNING).
     */
    RunnableJar start(String instance, Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(ChaosRun.SERVICE_OVERRIDES);
        settings.put("state.dir", stateDir(instance).toString());
        settings.put("client.id", instance);
        settings.putAll(overrides);
        Path config = run.writeConfig(dir, settings);
        long started = System.nanoTime();
        RunnableJar service = RunnableJar.run(config, policy, dir.resolve("service-" + (services.size() + 1) + "-" + instance + ".log"),
                ChaosRun.SERVICE_JVM_OPTIONS);
        services.add(service);
        if (!service.awaitReady(ChaosRun.READY_TIMEOUT)) {
            throw new AssertionError(name + ": instance " + instance + " not ready within " + ChaosRun.READY_TIMEOUT
                    + "; its log ends:\n" + ChaosRun.tail(service.log(), 40));
        }
        report("instance %s (pid %d) ready after %,d ms", instance, service.pid(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        return service;
    }

    /** Sends the consent history, then waits until the application has read all of it. */
    void sendConsentsAndAwaitRead(RestartScenario scenario) throws Exception {
        run.send(run.serialize(scenario.consents));
        awaitConsentRead();
        report("all %,d consent records read", scenario.consents.size());
    }

    /** Waits until the application's committed offsets on the consent topic reach the topic's end offsets. */
    void awaitConsentRead() throws Exception {
        String topic = run.topic("consent.events");
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            await("every consent record read (committed offsets at the end offsets " + ends.values() + ")", () -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(end -> {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    return end.getValue() == 0 || (at != null && at.offset() >= end.getValue());
                });
            });
        }
    }

    /** Waits until the group is stable and its members (by instance) own the consent partitions {@code expected} says. */
    void awaitConsentPartitions(String description, Predicate<Map<String, Set<Integer>>> expected) {
        try (Admin admin = admin()) {
            await(description, () -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).describedGroups()
                        .get(applicationId).get();
                return group.groupState() == GroupState.STABLE && expected.test(consentPartitions(group));
            });
            report("consent partitions by instance: %s", consentPartitions(admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get()));
        } catch (Exception e) {
            throw new AssertionError(name + ": " + description, e);
        }
    }

    /** Per instance (the client id's part before "-StreamThread"), the consent partitions its members own. */
    private Map<String, Set<Integer>> consentPartitions(ConsumerGroupDescription group) {
        String topic = run.topic("consent.events");
        Map<String, Set<Integer>> owned = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            String instance = member.clientId().replaceFirst("-StreamThread-.*$", "");
            Set<Integer> partitions = owned.computeIfAbsent(instance, i -> new TreeSet<>());
            member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                    .forEach(tp -> partitions.add(tp.partition()));
        }
        return owned;
    }

    void sendEvents(RestartScenario scenario) {
        run.send(run.serialize(scenario.events));
        report("%,d CRM events sent", scenario.events.size());
    }

    /**
     * Reads the audit topic with read_committed until there is a record per event (and a little longer, to catch
     * duplicates); each event's audit record, failing if an event has none or more than one.
     */
    Map<String, Audited> awaitAudited(RestartScenario scenario) {
        int expected = scenario.eventCount();
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestSupport.readCommitted(bootstrapServers, List.of(run.auditTopic()),
                r -> r.size() >= expected, TIMEOUT);
        Map<String, Object> configs = new HashMap<>(run.properties());
        configs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, "true");
        Map<String, Audited> audited = new HashMap<>();
        Map<String, Integer> duplicates = new TreeMap<>();
        try (ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer()) {
            deserializer.configure(configs, false);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                DecisionRecord decision = (DecisionRecord) deserializer.deserialize(record.topic(), record.value());
                if (audited.put(decision.getEventId(), audited(decision)) != null) {
                    duplicates.merge(decision.getEventId(), 1, Integer::sum);
                }
            }
        }
        Set<String> missing = scenario.events.stream().map(m -> m.value().get(0).toString())
                .filter(id -> !audited.containsKey(id)).collect(Collectors.toCollection(TreeSet::new));
        if (!missing.isEmpty() || !duplicates.isEmpty() || audited.size() != expected) {
            throw new AssertionError(String.format("%s: %,d audit records for %,d events; %,d events without one (first: %s), duplicated: %s",
                    name, records.size(), expected, missing.size(), missing.stream().limit(10).toList(), duplicates));
        }
        report("one audit record for each of the %,d events", expected);
        return audited;
    }

    private static Audited audited(DecisionRecord record) {
        Map<String, String> decisions = new TreeMap<>();
        for (PurposeDecision decision : record.getDecisions()) {
            decisions.put(decision.getPurpose(), decision.getDecision() + " " + decision.getReasons());
        }
        return new Audited(record.getJurisdiction(), List.copyOf(record.getEventReasons()), decisions);
    }

    /** Replays the run, as {@code consentgate replay} does, under the policy it decided with. */
    ReplayReport replay() throws Exception {
        Policy parsed = PolicyParser.parse("policy.yaml", Files.readAllBytes(policy));
        Path state = Files.createDirectories(dir.resolve("replay"));
        return new ReplayEngine(new ReplayEngine.Options(run.properties(), List.of(parsed), false, null, null, 20,
                Duration.ofSeconds(30), line -> report("%s", line), state)).run();
    }

    void report(String format, Object... args) {
        System.out.printf("%s %6.1f s: %s%n", name, (System.nanoTime() - createdAt) / 1e9, String.format(format, args));
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    private void await(String description, java.util.concurrent.Callable<Boolean> condition) {
        try {
            Awaitility.await(name + ": " + description).atMost(TIMEOUT).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": not " + description + " within " + TIMEOUT
                    + services.stream().map(s -> "\n" + s.logFile() + " ends:\n" + ChaosRun.tail(s.log(), 15))
                    .collect(Collectors.joining()), e);
        }
    }

    /** Kills every instance still running. */
    @Override
    public void close() throws InterruptedException {
        for (RunnableJar service : services) {
            service.close();
        }
    }
}
