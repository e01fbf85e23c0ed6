package dev.consentgate.demo;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft broker (combined broker and controller) in this JVM, from Kafka's own test
 * kit: the demo's and the integration tests' broker, so nothing needs to be installed.
 */
public final class EmbeddedKafka implements AutoCloseable {

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
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                // One broker: every internal topic must do with one replica, or transactions (exactly-once) hang.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Shuts the broker down (the controller keeps running), as a rolling restart or a broker failure
     * does: clients lose their connections until {@link #startBroker()}. Its logs stay on disk.
     */
    public void stopBroker() {
        cluster.brokers().values().forEach(broker -> broker.shutdown());
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on the same port with its logs, and waits until it serves requests. */
    public void startBroker() throws Exception {
        for (var broker : cluster.brokers().values()) {
            broker.startup();
        }
        cluster.waitForReadyBrokers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
