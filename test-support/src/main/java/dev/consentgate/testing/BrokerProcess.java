package dev.consentgate.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.storage.internals.checkpoint.CleanShutdownFileHandler;

/**
 * A single-node KRaft broker (combined broker and controller) in a JVM of its own, set up and started
 * as an operator does it ({@code kafka-storage format}, then {@code kafka-server-start}): Kafka's own
 * {@code kafka.tools.StorageTool} and {@code kafka.Kafka} main classes from the runnable jar, on fixed
 * ports, with a log directory that outlives the process. {@link #stop(Stop)} is a broker going away,
 * cleanly (SIGTERM) or in a crash (SIGKILL), and {@link #start()} one coming back with its logs on the
 * same ports, which restarting the broker objects of an in-process test cluster only imitates.
 */
public final class BrokerProcess implements AutoCloseable {

    /** How {@link #stop(Stop)} ends the broker's process. */
    public enum Stop {
        /** SIGTERM, as a rolling restart stops a broker: it shuts down cleanly and marks its log directory so. */
        CLEAN("clean stop (SIGTERM)"),
        /**
         * SIGKILL, a crash of the broker's process (the OOM killer, a JVM crash): no shutdown, no
         * clean-shutdown marker, so the next process recovers its logs. What the process had written
         * stays in the operating system's page cache; a power loss, which could lose it, is not imitated.
         */
        CRASH("crash (SIGKILL)");

        private final String description;

        Stop(String description) {
            this.description = description;
        }

        /** {@code clean stop (SIGTERM)} or {@code crash (SIGKILL)}: for the test's output and failure messages. */
        @Override
        public String toString() {
            return description;
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    /** Logs "Recovering unflushed segment …" at INFO for each segment a start after a crash recovers. */
    private static final String LOG_LOADER = "org.apache.kafka.storage.internals.log.LogLoader";
    private static final String METADATA_LOG = "__cluster_metadata-0";
    private static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx768m",
            "-Dorg.slf4j.simpleLogger.log." + LOG_LOADER + "=info");

    private final Path config;
    private final Path log;
    private final Path logDir;
    private final String bootstrapServers;
    private Process process;
    private long logLengthAtStart;

    private BrokerProcess(Path config, Path log, Path logDir, String bootstrapServers) {
        this.config = config;
        this.log = log;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a new broker's log directory under {@code dir}, on two free loopback ports, and starts it. */
    public static BrokerProcess startIn(Path dir) throws Exception {
        int[] ports = LoopbackPorts.free(2);
        int brokerPort = ports[0];
        Path logDir = dir.resolve("data");
        Properties props = EmbeddedKafka.singleNodeConfig(brokerPort, ports[1], logDir);
        Path config = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "single-node KRaft broker of BrokerRestartIT");
        }
        BrokerProcess broker = new BrokerProcess(config, dir.resolve("broker.log"), logDir, "localhost:" + brokerPort);
        broker.format();
        broker.start();
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's output, every start's appended. */
    public Path log() {
        return log;
    }

    private void format() throws IOException, InterruptedException {
        Process format = launch("kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString());
        if (!format.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's log directory failed; see " + log);
        }
    }

    /** Starts the broker on its ports and log directory and waits until it answers requests; kills it if it does not. */
    public void start() throws Exception {
        logLengthAtStart = Files.exists(log) ? Files.size(log) : 0;
        process = launch("kafka.Kafka", config.toString());
        try {
            awaitAnswer();
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw e;
        }
    }

    private void awaitAnswer() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + " while starting; see " + log);
                }
                try {
                    // The broker answers only once it has caught up with the metadata and is unfenced.
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get();
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + START_TIMEOUT + "; see " + log, notYet);
                    }
                }
            }
        }
    }

    /**
     * Ends the broker's process the way {@code how} says and waits until it has ended; its exit code
     * (137 after SIGKILL). Fails if a clean shutdown takes longer than {@link #STOP_TIMEOUT}.
     */
    public int stop(Stop how) throws InterruptedException {
        if (how == Stop.CRASH) {
            process.destroyForcibly();
            return process.waitFor();
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the broker did not shut down within " + STOP_TIMEOUT + " of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    /**
     * Whether the stopped broker left Kafka's clean-shutdown marker in its log directory: a clean
     * shutdown writes it, a crash cannot, and a starting broker that finds none recovers its logs
     * (rereads the segments past their recovery point, rebuilding indexes and producer state).
     */
    public boolean leftCleanShutdownMarker() {
        return Files.exists(logDir.resolve(CleanShutdownFileHandler.CLEAN_SHUTDOWN_FILE_NAME));
    }

    /**
     * The lines in which the current process's log loader said it recovered a segment of a topic
     * partition's log ("Recovering unflushed segment"): none after a clean shutdown, the segments past
     * each log's recovery point after a crash. The KRaft metadata log, which is recovered at every
     * start, clean or not, is left out.
     */
    public List<String> recoveredSegments() throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(logLengthAtStart, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(LOG_LOADER) && line.contains("Recovering unflushed segment"))
                .filter(line -> !line.contains("partition=" + METADATA_LOG + ","))
                .toList();
    }

    private Process launch(String mainClass, String... args) throws IOException {
        List<String> command = RunnableJar.javaCommand(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop(Stop.CLEAN);
        }
    }
}
