package dev.consentgate.tools;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * The partitioner of librdkafka's clients (Python, Go, .NET, C) by default, {@code consistent_random}: the CRC32 of
 * the key modulo the partition count, a random partition for a record without a key. Not the murmur2 of Java
 * producers and Kafka Streams, so it puts most customer ids on another partition than ConsentGate decides them on.
 */
public final class Crc32Partitioner implements Partitioner {

    public static int partition(byte[] keyBytes, int numPartitions) {
        CRC32 crc = new CRC32();
        crc.update(keyBytes);
        return (int) (crc.getValue() % numPartitions);
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int numPartitions = cluster.partitionCountForTopic(topic);
        return keyBytes == null || keyBytes.length == 0
                ? ThreadLocalRandom.current().nextInt(numPartitions)
                : partition(keyBytes, numPartitions);
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
