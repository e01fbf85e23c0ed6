package dev.consentgate.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producing and reading raw records against the test broker, as an independent client would; shared
 * by the end-to-end tests here and the reliability tests.
 */
public final class KafkaTestSupport {

    private KafkaTestSupport() {
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return producer(bootstrapServers, Map.of());
    }

    /** A producer with {@code overrides} of its settings, e.g. another {@code partitioner.class}. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, ?> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends the records, in order, and waits until the broker has them all; fails if any cannot be sent. */
    public static void send(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records) {
        send(bootstrapServers, records, Map.of());
    }

    /** As {@link #send(String, List)} with a producer configured with {@code producerOverrides}. */
    public static void send(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, Map<String, ?> producerOverrides) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, producerOverrides)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record, (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    }
                });
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a record could not be sent", failure.get());
        }
    }

    /**
     * Reads {@code topics} from the start with a read_committed consumer (only what committed
     * transactions wrote) until {@code done} holds for what was read, then a little longer to catch
     * duplicates, or until the timeout.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, Collection<String> topics,
                                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        return readCommitted(bootstrapServers, Map.of(), topics, done, timeout);
    }

    /** As {@link #readCommitted(String, Collection, Predicate, Duration)} with {@code clientSettings}, e.g. a secured broker's. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, Map<String, ?> clientSettings,
                                                                     Collection<String> topics,
                                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        return readCommitted(bootstrapServers, clientSettings, topics, done, timeout, Duration.ofSeconds(3));
    }

    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, Collection<String> topics,
                                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout,
                                                                     Duration settle) {
        return readCommitted(bootstrapServers, Map.of(), topics, done, timeout, settle);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, Map<String, ?> clientSettings,
                                                                      Collection<String> topics,
                                                                      Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout,
                                                                      Duration settle) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer(bootstrapServers, clientSettings)) {
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(250)).forEach(records::add);
            }
            long settleUntil = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleUntil) {
                consumer.poll(Duration.ofMillis(250)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Everything committed on the topic when called, tombstones included, read with a read_committed consumer that assigns
     * every partition itself, up to their end offsets; fails when that takes longer than {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrapServers, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readCommittedConsumer(bootstrapServers)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end offsets " + end + " took longer than " + timeout);
                }
                consumer.poll(Duration.ofMillis(250)).forEach(records::add);
            }
        }
        return records;
    }

    /** A consumer in a group of its own that reads from the start and sees only what committed transactions wrote. */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrapServers) {
        return readCommittedConsumer(bootstrapServers, Map.of());
    }

    /** As {@link #readCommittedConsumer(String)} with {@code clientSettings} (security settings, a group id) over the defaults. */
    public static KafkaConsumer<byte[], byte[]> readCommittedConsumer(String bootstrapServers, Map<String, ?> clientSettings) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putAll(clientSettings);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static String key(ConsumerRecord<byte[], ?> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
}
