package dev.consentgate.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * A single-node KRaft broker (combined broker and controller) in this JVM: the demo's and the
 * integration tests' broker, so nothing needs to be installed. It is set up as an operator does it
 * ({@code kafka-storage format}, then the server Kafka's {@code kafka-server-start} runs), with
 * Kafka's own classes, in a temporary directory deleted on {@link #close()}. Kafka's test kit
 * ({@code KafkaClusterTestKit}) is not used: from Kafka 4.4 it needs the test classes of
 * {@code kafka-clients}, which are not published for 4.4.0.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /**
     * What a single-node broker needs beyond Kafka's defaults; tests that run a broker in a JVM of
     * its own use the same. One broker: every internal topic must do with one replica, or
     * transactions (exactly-once) hang.
     */
    private static final Map<String, String> SINGLE_NODE_SETTINGS = Map.of(
            "offsets.topic.replication.factor", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false",
            // Compaction within a test's time: the default looks for logs to clean every 15 s.
            "log.cleaner.backoff.ms", "500");

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final BrokerSecurity security;

    private EmbeddedKafka(Path dir, KafkaRaftServer server, String bootstrapServers, BrokerSecurity security) {
        this.dir = dir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
    }

    /** The configuration of a single-node KRaft broker (broker and controller in one) on loopback, its log in {@code logDir}. */
    public static Properties singleNodeConfig(int brokerPort, int controllerPort, Path logDir) {
        Properties props = new Properties();
        props.putAll(SINGLE_NODE_SETTINGS);
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        return props;
    }

    /** Starts the broker on two free loopback ports and waits until it serves requests. */
    public static EmbeddedKafka start() throws Exception {
        return start(false);
    }

    /**
     * Starts a broker that requires TLS and SASL/SCRAM-SHA-512 from its clients and enforces ACLs ({@link BrokerSecurity});
     * its certificates are made for it, in its directory.
     */
    public static EmbeddedKafka startSecured() throws Exception {
        return start(true);
    }

    private static EmbeddedKafka start(boolean secured) throws Exception {
        Path dir = Files.createTempDirectory("consentgate-kafka-");
        try {
            int[] ports = LoopbackPorts.free(2);
            int brokerPort = ports[0];
            BrokerSecurity security = secured ? new BrokerSecurity(TlsCertificates.generate(Files.createDirectory(dir.resolve("tls")))) : null;
            Properties props = secured ? security.serverConfig(brokerPort, ports[1], dir.resolve("data"))
                    : singleNodeConfig(brokerPort, ports[1], dir.resolve("data"));
            format(dir, props, secured ? security.formatArguments() : List.of());
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            String bootstrapServers = "localhost:" + brokerPort;
            try {
                server.startup();
                awaitAnswer(bootstrapServers, secured ? security.superUserSettings() : Map.of());
            } catch (Exception | Error e) {
                server.shutdown();
                server.awaitShutdown();
                throw e;
            }
            return new EmbeddedKafka(dir, server, bootstrapServers, security);
        } catch (Exception | Error e) {
            Utils.delete(dir.toFile());
            throw e;
        }
    }

    /**
     * Formats the log directory as {@code kafka-storage format} does, at the newest production metadata
     * version (the tool's default). What the tool prints (the bootstrap metadata, the directory's path)
     * is dropped: standard output is the demo's and the commands' own.
     */
    private static void format(Path dir, Properties props, List<String> arguments) throws IOException {
        Path config = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "single-node KRaft broker of consentgate demo");
        }
        List<String> command = new ArrayList<>(List.of("format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()));
        command.addAll(arguments);
        int exit = StorageTool.execute(command.toArray(String[]::new), new PrintStream(OutputStream.nullOutputStream()));
        if (exit != 0) {
            throw new IllegalStateException("formatting the broker's log directory " + dir + " failed with " + exit);
        }
    }

    /** Waits until the broker answers, which it does once it has caught up with the metadata and is unfenced. */
    private static void awaitAnswer(String bootstrapServers, Map<String, Object> clientSettings) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(clientSettings);
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes().get();
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + START_TIMEOUT, notYet);
                    }
                }
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A secured broker's security: how its clients connect. */
    public BrokerSecurity security() {
        if (security == null) {
            throw new IllegalStateException("this broker is not secured: its clients connect in plaintext");
        }
        return security;
    }

    @Override
    public void close() throws Exception {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            Utils.delete(dir.toFile());
        }
    }
}
