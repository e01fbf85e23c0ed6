package dev.consentgate.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The wrapped data keys of the key topic ({@code consent.keys}), read into memory: key = the customer's data-key reference, value
 * = the wrapped key, a tombstone once the customer is erased. Read to its end when made and again whenever a subject is
 * missing (waiting briefly for one never seen), so a key written after the ring was made is found, and an erasure is seen
 * on the next miss or {@link #refresh()}.
 * It reads with a consumer of its own (no group): reading the topic is the access a purpose consumer needs, besides the
 * key-encryption key.
 */
public final class DataKeyRing implements WrappedKeys, AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * How long a subject the ring has never seen is waited for. Its key is committed in the same transaction as the first
     * record encrypted under it, but the transaction's commit markers reach the key topic's partition and the record's at
     * different moments, so the record can be readable a little before its key.
     */
    static final Duration UNSEEN_SUBJECT_WAIT = Duration.ofSeconds(2);
    private static final long RETRY_MILLIS = 20;

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, byte[]> wrappedBySubject = new HashMap<>();
    /**
     * Subjects looked for and not found since the last read of the topic (erased ones, mostly): asked again, they cost no
     * new read. A key is committed with the first record encrypted under it, so one read on the first miss finds it.
     */
    private final Set<String> missingSinceRefresh = new HashSet<>();
    /** Subjects whose tombstone the ring has read: erased, no need to wait for their key. */
    private final Set<String> erased = new HashSet<>();

    /** @param clientSettings how to reach the cluster ({@code bootstrap.servers}, security settings); group and deserializers are set here */
    public DataKeyRing(String topic, Map<String, ?> clientSettings) {
        Properties props = new Properties();
        // Settings often come from a file that also holds a service's or a deserializer's own keys: a consumer takes its own.
        clientSettings.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "consentgate-key-ring");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalArgumentException("the key topic " + topic + " does not exist");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        refresh();
    }

    /** The wrapped data key of {@code subject}, reading what was written since the last read when it is not known yet. */
    @Override
    public synchronized Optional<byte[]> wrappedKey(String subject) {
        if (!wrappedBySubject.containsKey(subject) && !erased.contains(subject) && missingSinceRefresh.add(subject)) {
            awaitKey(subject);
        }
        return Optional.ofNullable(wrappedBySubject.get(subject));
    }

    /**
     * Reads until {@code subject}'s key or tombstone is read, for at most {@link #UNSEEN_SUBJECT_WAIT}. An erased subject whose
     * tombstone compaction has already removed costs this wait once per refresh.
     */
    private void awaitKey(String subject) {
        long deadline = System.nanoTime() + UNSEEN_SUBJECT_WAIT.toNanos();
        readToEnd();
        while (!wrappedBySubject.containsKey(subject) && !erased.contains(subject) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            readToEnd();
        }
    }

    /** Reads the key topic up to its current end. */
    @Override
    public synchronized void refresh() {
        missingSinceRefresh.clear();
        readToEnd();
    }

    private void readToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.value() == null) {
                    wrappedBySubject.remove(record.key());
                    erased.add(record.key());
                } else {
                    wrappedBySubject.put(record.key(), record.value());
                    erased.remove(record.key());
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
