package dev.consentgate.ingest;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a customer's consent and events are decided on: the one Kafka's default partitioner picks for
 * the customer id as a UTF-8 key (murmur2), as Java producers and Kafka Streams' own repartition topics do. A
 * producer that partitions otherwise (librdkafka's default CRC32, a custom partitioner, an explicit partition)
 * puts records elsewhere; they are moved here, because a customer's consent and events must meet in one task.
 *
 * @param count the consent topic's partition count, which every topic read beside it shares
 */
public record CustomerPartitions(int count) {

    /** One partition: every record is where it belongs (a test driver, a replay, which feeds each partition's records apart). */
    public static final CustomerPartitions SINGLE = new CustomerPartitions(1);

    public CustomerPartitions {
        if (count < 1) {
            throw new IllegalArgumentException("partition count must be positive: " + count);
        }
    }

    public int of(String customerId) {
        return Utils.toPositive(Utils.murmur2(customerId.getBytes(StandardCharsets.UTF_8))) % count;
    }

    public boolean isMisplaced(String customerId, int partition) {
        return of(customerId) != partition;
    }
}
