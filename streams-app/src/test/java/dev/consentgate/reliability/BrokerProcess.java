package dev.consentgate.reliability;

import dev.consentgate.cli.RunnableJar;
import dev.consentgate.demo.EmbeddedKafka;
import dev.consentgate.it.ApicurioRegistry;
import java.io.IOException;
import java.io.Writer;
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

/**
 * A single-node KRaft broker (combined broker and controller) in a JVM of its own, set up and started
 * as an operator does it ({@code kafka-storage format}, then {@code kafka-server-start}): Kafka's own
 * {@code kafka.tools.StorageTool} and {@code kafka.Kafka} main classes from the runnable jar, on fixed
 * ports, with a log directory that outlives the process. {@link #stop()} is a broker going away
 * (SIGTERM, its clean shutdown) and {@link #start()} one coming back with its logs on the same ports,
 * which restarting the broker objects of an in-process test cluster only imitates.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    private static final List<String> JVM_OPTIONS = List.of("-Xms256m", "-Xmx768m");

    private final Path config;
    private final Path log;
    private final String bootstrapServers;
    private Process process;

    private BrokerProcess(Path config, Path log, String bootstrapServers) {
        this.config = config;
        this.log = log;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a new broker's log directory under {@code dir}, on two free loopback ports, and starts it. */
    static BrokerProcess startIn(Path dir) throws Exception {
        int brokerPort = ApicurioRegistry.freeLoopbackPort();
        int controllerPort = ApicurioRegistry.freeLoopbackPort();
        Properties props = new Properties();
        props.putAll(EmbeddedKafka.SINGLE_NODE_SETTINGS);
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toString());
        Path config = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "single-node KRaft broker of BrokerRestartIT");
        }
        BrokerProcess broker = new BrokerProcess(config, dir.resolve("broker.log"), "localhost:" + brokerPort);
        broker.format();
        broker.start();
        return broker;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's output, every start's appended. */
    Path log() {
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
    void start() throws Exception {
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

    /** SIGTERM, as a rolling restart stops a broker: it shuts down cleanly and its process ends. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the broker did not shut down within " + STOP_TIMEOUT + " of SIGTERM; see " + log);
        }
    }

    private Process launch(String mainClass, String... args) throws IOException {
        List<String> command = RunnableJar.javaCommand(JVM_OPTIONS);
        command.addAll(List.of("-cp", RunnableJar.JAR.toString(), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
