package dev.consentgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One run of a crash or broker-restart test: the end-to-end scenario and its expected decisions
 * ({@link EndToEndScenario}), its topics ({@link EndToEndRun}), the service as the runnable jar in
 * child JVMs that share the run's application id and state directory, and the traffic. The consent
 * history is sent before the service starts and the CRM events while it runs, at the settings' rate.
 * Every service's log, and the state directory, are kept under {@code target/reliability/<run>/}.
 */
public final class ChaosRun implements AutoCloseable {

    /** How long a service may take to become ready: start-up, a rebalance once a killed member's session times out, restoring. */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    /**
     * A killed instance's group membership lasts until its session times out; 6 s (the broker's
     * smallest allowed) instead of the default 45 s keeps the test short. Nothing else is tuned.
     */
    public static final Map<String, String> SERVICE_OVERRIDES = Map.of(
            "session.timeout.ms", "6000",
            "heartbeat.interval.ms", "1500");
    public static final List<String> SERVICE_JVM_OPTIONS = List.of("-Xms256m", "-Xmx768m");
    /** The share of the CRM events sent only after the last fault: half of what lies beyond the last fault point, so all of it does. */
    static final int HELD_BACK_PERCENT = (100 - ChaosSettings.LAST_FAULT_PERCENT) / 2;

    final ChaosSettings settings;
    final EndToEndScenario scenario;
    final EndToEndRun run;
    public final AuditProgress progress;
    private final String name;
    private final String bootstrapServers;
    private final String applicationId;
    private final Path dir;
    private final Path stateDir;
    private final Map<String, String> overrides;
    private final Path config;
    private final Path policy;
    private final long createdAt = System.nanoTime();
    private final List<String> faults = new ArrayList<>();
    private PacedTraffic traffic;
    private int services;

    private ChaosRun(String bootstrapServers, String name, ChaosSettings settings, Map<String, String> serviceSettings) throws Exception {
        this.settings = settings;
        this.name = name;
        this.bootstrapServers = bootstrapServers;
        applicationId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        dir = Files.createDirectories(Path.of("target", "reliability", applicationId)).toAbsolutePath();
        stateDir = dir.resolve("state");
        run = new EndToEndRun(bootstrapServers, ApicurioRegistry.shared().ccompatUrl(), applicationId);
        scenario = new EndToEndScenario(settings.seed(), settings.customers(), settings.events());
        overrides = new HashMap<>(SERVICE_OVERRIDES);
        overrides.putAll(serviceSettings);
        overrides.put("processing.guarantee", settings.guarantee());
        config = run.writeConfig(dir, withStateDir(stateDir));
        policy = run.writePolicy(dir.resolve("policy.yaml"));
        progress = new AuditProgress(bootstrapServers, run.auditTopic());
        report("seed %d, %,d events, %,d customers, %,d poisoned records, processing.guarantee %s; replay with %s; logs in %s",
                settings.seed(), scenario.decidedEventIds.size(), settings.customers(), scenario.poisonedKeys.size(),
                settings.guarantee(), settings.replay(), dir);
    }

    /** A run against the broker at {@code bootstrapServers}, with its own application id and topics. */
    public static ChaosRun create(String bootstrapServers, String name, ChaosSettings settings) throws Exception {
        return create(bootstrapServers, name, settings, Map.of());
    }

    /** As {@link #create(String, String, ChaosSettings)}, the services started with {@code serviceSettings} too, e.g. standby replicas. */
    public static ChaosRun create(String bootstrapServers, String name, ChaosSettings settings, Map<String, String> serviceSettings)
            throws Exception {
        return new ChaosRun(bootstrapServers, name, settings, serviceSettings);
    }

    private Map<String, String> withStateDir(Path state) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("state.dir", state.toString());
        return settings;
    }

    /**
     * Sends the consent history and waits for it; then starts sending the CRM events at the settings'
     * rate, all but the last {@value #HELD_BACK_PERCENT} %, which follow {@link #releaseHeldBackTraffic}.
     * The faults come at up to {@value ChaosSettings#LAST_FAULT_PERCENT} % of the events, so every fault
     * made before the release finds events still to decide, however fast the service catches up.
     */
    public void startTraffic() {
        List<EndToEndScenario.Message> consents = scenario.messages.stream().filter(m -> m.topic().equals("consent.events")).toList();
        List<EndToEndScenario.Message> events = scenario.messages.stream().filter(m -> !m.topic().equals("consent.events")).toList();
        run.send(run.serialize(consents));
        List<ProducerRecord<byte[], byte[]>> serialized = run.serialize(events);
        int heldBack = serialized.size() * HELD_BACK_PERCENT / 100;
        traffic = PacedTraffic.start(bootstrapServers, serialized, settings.eventsPerSecond(), heldBack);
        report("consent history sent (%,d records); sending %,d CRM records at %,d/s, the last %,d after the last fault", consents.size(),
                serialized.size(), settings.eventsPerSecond(), heldBack);
    }

    /** Sends the CRM events held back by {@link #startTraffic}: called once the last fault is made. */
    public void releaseHeldBackTraffic() {
        traffic.releaseHeldBack();
        report("sending the held-back CRM records");
    }

    /** Starts a service (a new JVM running the jar) and waits until it is ready; its log is service-N.log. */
    public RunnableJar startService() throws Exception {
        return startService(config);
    }

    /**
     * Starts one of several instances that run side by side, as on separate machines: each its own state directory,
     * {@code state-<instance>}, which it keeps across restarts. Waits until it is ready; its log is service-N.log.
     */
    public RunnableJar startInstance(String instance) throws Exception {
        return startService(run.writeConfig(dir, withStateDir(dir.resolve("state-" + instance))));
    }

    private RunnableJar startService(Path serviceConfig) throws Exception {
        services++;
        long started = System.nanoTime();
        RunnableJar service = RunnableJar.run(serviceConfig, policy, dir.resolve("service-" + services + ".log"), SERVICE_JVM_OPTIONS);
        if (!service.awaitReady(READY_TIMEOUT)) {
            String tail = tail(service.log(), 40);
            service.close();
            throw new AssertionError(name + ": service " + services + " not ready within " + READY_TIMEOUT + " (" + replay()
                    + "); its log ends:\n" + tail);
        }
        report("service %d (pid %d) ready after %,d ms, %,d audit records committed", services, service.pid(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), progress.committed());
        return service;
    }

    /** Deletes the state directory, as when an instance is replaced on a new machine: the next service restores from the changelogs. */
    public void wipeState() throws IOException {
        deleteTree(stateDir);
    }

    /** Deletes a directory and everything under it, if it exists. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The run's application id: the consumer group of its services. */
    public String applicationId() {
        return applicationId;
    }

    /** The number of decided events: the audit records the run ends with. */
    public long events() {
        return scenario.decidedEventIds.size();
    }

    /** Waits until at least {@code count} audit records are committed while {@code service} runs. */
    public long awaitAudited(long count, RunnableJar service) throws InterruptedException {
        return progress.awaitAtLeast(count, Duration.ofMinutes(3), service::isAlive,
                replay() + "; " + faults() + "; service log " + service.logFile());
    }

    /**
     * Every purpose topic, the audit topic and the dead-letter topic hold exactly the expected records,
     * each once, read with read_committed consumers, and {@code consentgate audit verify} finds every
     * audit partition's hash chain intact; a failure names the seed to replay it with.
     */
    public void assertExactlyOnce() throws InterruptedException, IOException {
        traffic.await(Duration.ofMinutes(5));
        // The service has most of the events by now; what is left takes at most a few times the traffic's own duration.
        Duration timeout = Duration.ofSeconds(120 + 3L * settings.events() / settings.eventsPerSecond());
        report("traffic sent; reading the outputs");
        try {
            run.assertOutputsMatch(scenario, timeout);
            report("every output exactly once");
            // Each audit partition's hash chain, carried across the kills in the changelogs, still verifies.
            Path verifyLog = dir.resolve("audit-verify.log");
            int verified = RunnableJar.execute(verifyLog, Duration.ofMinutes(2), "audit", "verify", "--config", config.toString());
            String output = Files.readString(verifyLog);
            assertThat(verified).as("audit verify exit code; output:%n%s", output).isZero();
            assertThat(output).contains(run.auditTopic() + ": intact, " + String.format("%,d", events()) + " records");
            report("audit hash chain intact");
        } catch (AssertionError e) {
            throw new AssertionError(name + " (" + replay() + "): " + e.getMessage() + "\n" + faults() + "\n"
                    + TransactionDiagnosis.of(bootstrapServers, outputTopics(), applicationId), e);
        }
    }

    /** Every topic the service writes and the assertions read: the purpose topics, the audit and the dead-letter topic. */
    private List<String> outputTopics() {
        List<String> topics = new ArrayList<>(scenario.expectedByPurpose.keySet().stream().map(run::topic).toList());
        topics.add(run.auditTopic());
        topics.add(run.topic("consent.dlq"));
        return topics;
    }

    /**
     * A fault the test made (a SIGKILL of the service, a broker stopped or crashed): reported like
     * {@link #report}, and listed in the run's failure messages, so that a failure tells which faults
     * came before it.
     */
    public void fault(String format, Object... args) {
        String fault = String.format(format, args);
        faults.add(String.format("%.1f s: %s", (System.nanoTime() - createdAt) / 1e9, fault));
        report("%s", fault);
    }

    /** The faults made so far, one per line after a heading, for failure messages. */
    public String faults() {
        return faults.isEmpty() ? "no fault made yet" : faults.stream().collect(Collectors.joining("\n  ", "faults made:\n  ", ""));
    }

    /** A line on the test's output: the run's name, the seconds since it began, the message. */
    public void report(String format, Object... args) {
        System.out.printf("%s %6.1f s: %s%n", name, (System.nanoTime() - createdAt) / 1e9, String.format(format, args));
    }

    public String replay() {
        return "replay with " + settings.replay();
    }

    public static String tail(String log, int lines) {
        List<String> all = log.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (traffic != null) {
            traffic.close();
        }
        progress.close();
    }
}
