package dev.consentgate.demo;

import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.serde.ConfluentAvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the audit and dead-letter topics as a downstream consumer would (read_committed: only what
 * the enforcement transactions committed) and feeds the tally, on a thread of its own.
 */
public final class TopicFollower implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfluentAvroDeserializer decisions;
    private final DecisionTally tally;
    private final String auditTopic;
    private final Thread thread;
    private volatile boolean running = true;

    public TopicFollower(String bootstrapServers, Map<String, ?> serdeConfig, String auditTopic, String dlqTopic, DecisionTally tally) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "consentgate-demo-board-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(auditTopic, dlqTopic));
        Map<String, Object> specific = new java.util.HashMap<>(serdeConfig);
        specific.put("specific.avro.reader", true);
        this.decisions = new ConfluentAvroDeserializer();
        this.decisions.configure(specific, false);
        this.tally = tally;
        this.auditTopic = auditTopic;
        this.thread = new Thread(this::follow, "demo-board");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void follow() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.topic().equals(auditTopic)) {
                    tally.add((DecisionRecord) decisions.deserialize(auditTopic, record.value()));
                } else {
                    tally.addDeadLetter();
                }
            }
        }
        consumer.close(Duration.ofSeconds(2));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
