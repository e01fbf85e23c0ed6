package dev.consentgate.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (combined broker and controller) in this JVM, from Kafka's own test
 * kit: the demo's and the integration tests' broker, so nothing needs to be installed.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /**
     * What a single-node broker needs beyond Kafka's defaults; tests that run a broker in a JVM of
     * its own use the same. One broker: every internal topic must do with one replica, or
     * transactions (exactly-once) hang.
     */
    public static final Map<String, String> SINGLE_NODE_SETTINGS = Map.of(
            "offsets.topic.replication.factor", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the broker and waits until it serves requests. */
    public static EmbeddedKafka start() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // The test kit's default is the newest metadata version under development; run what a release runs.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        SINGLE_NODE_SETTINGS.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    /**
     * Kafka's storage formatter prints the bootstrap metadata and the log directory's path to standard
     * output, and the test kit gives no way to send that elsewhere; standard output is the demo's and
     * the commands' own, so it is muted while the broker's directories are formatted.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(out);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
