package dev.consentgate.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Why read_committed readers may not see everything that was written: the partitions whose last
 * stable offset (LSO) is below their high watermark, the open transactions that hold them back, the
 * transactions the coordinator does not consider complete, and how far the service's consumer group
 * has committed its input. Added to a failed exactly-once assertion, it tells a transaction left
 * open (records written, no commit or abort marker) apart from records that were never written, and
 * a service that stopped making progress (input not committed) from one that lost output.
 */
final class TransactionDiagnosis {

    private static final long TIMEOUT_SECONDS = 30;

    private TransactionDiagnosis() {
    }

    /**
     * The diagnosis of the output {@code topics} and of the input progress of the consumer group
     * {@code groupId} (the application id), or why it could not be made; never throws, as it only adds to a failure.
     */
    static String of(String bootstrapServers, Collection<String> topics, String groupId) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            return describe(admin, topics) + "\n" + inputProgress(admin, groupId);
        } catch (Exception e) {
            return "transaction diagnosis failed: " + e;
        }
    }

    private static String describe(Admin admin, Collection<String> topics) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .values().stream()
                .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                .toList();
        Map<TopicPartition, OffsetSpec> latest = latest(partitions);
        Map<TopicPartition, ListOffsetsResultInfo> highWatermarks = admin.listOffsets(latest)
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> stableOffsets = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        Map<String, String> held = new TreeMap<>();
        for (TopicPartition partition : partitions) {
            long hw = highWatermarks.get(partition).offset();
            long lso = stableOffsets.get(partition).offset();
            if (lso < hw) {
                held.put(partition.toString(), "LSO " + lso + " < HW " + hw + openTransactions(admin, partition));
            }
        }
        List<String> lines = new ArrayList<>();
        // A snapshot: while the service still writes, a partition with a transaction in flight shows up too.
        lines.add(held.isEmpty()
                ? "every partition's LSO equals its HW (" + partitions.size() + " partitions)"
                : held.size() + " of " + partitions.size() + " partitions with read_committed readers held back:");
        held.forEach((partition, state) -> lines.add("  " + partition + ": " + state));
        lines.add(incompleteTransactions(admin));
        return String.join("\n", lines);
    }

    /** The producers with a transaction open on {@code partition}: where and since when. */
    private static String openTransactions(Admin admin, TopicPartition partition) throws Exception {
        List<ProducerState> producers = admin.describeProducers(List.of(partition)).partitionResult(partition)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).activeProducers();
        String open = producers.stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent())
                .map(p -> "producer id " + p.producerId() + " epoch " + p.producerEpoch() + " open since offset "
                        + p.currentTransactionStartOffset().getAsLong() + " (its last batch's timestamp "
                        + Instant.ofEpochMilli(p.lastTimestamp()) + ")")
                .collect(Collectors.joining("; "));
        return open.isEmpty() ? ", no producer has a transaction open here" : ", " + open;
    }

    /** Every transaction the coordinators list that is not complete (or a note that there is none). */
    private static String incompleteTransactions(Admin admin) throws Exception {
        List<String> ids = admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .filter(t -> t.state() != TransactionState.COMPLETE_COMMIT && t.state() != TransactionState.COMPLETE_ABORT
                        && t.state() != TransactionState.EMPTY)
                .map(TransactionListing::transactionalId)
                .toList();
        if (ids.isEmpty()) {
            return "no transaction is ongoing or being completed on the coordinator";
        }
        Map<String, TransactionDescription> described = admin.describeTransactions(ids).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return described.entrySet().stream()
                .map(e -> "transaction " + e.getKey() + ": " + describe(e.getValue()))
                .collect(Collectors.joining("\n", "transactions the coordinator has not completed:\n", ""));
    }

    /** The input partitions on which the group's committed offset is below the end: what the service has not yet processed. */
    private static String inputProgress(Admin admin, String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (committed.isEmpty()) {
            return "consumer group " + groupId + " has committed no input offsets";
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest(committed.keySet())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String behind = committed.entrySet().stream()
                .filter(e -> e.getValue().offset() < ends.get(e.getKey()).offset())
                .map(e -> e.getKey() + " committed " + e.getValue().offset() + " of " + ends.get(e.getKey()).offset())
                .sorted()
                .collect(Collectors.joining(", "));
        return behind.isEmpty()
                ? "consumer group " + groupId + " has committed all its " + committed.size() + " input partitions to their end"
                : "consumer group " + groupId + " has not committed its input to the end: " + behind;
    }

    private static Map<TopicPartition, OffsetSpec> latest(Collection<TopicPartition> partitions) {
        return partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
    }

    private static String describe(TransactionDescription transaction) {
        OptionalLong started = transaction.transactionStartTimeMs();
        return transaction.state() + ", producer id " + transaction.producerId() + " epoch " + transaction.producerEpoch()
                + ", started " + (started.isPresent() ? Instant.ofEpochMilli(started.getAsLong()) : "-")
                + ", timeout " + transaction.transactionTimeoutMs() + " ms, partitions " + transaction.topicPartitions();
    }
}
