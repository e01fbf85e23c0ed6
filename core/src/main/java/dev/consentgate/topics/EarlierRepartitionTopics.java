package dev.consentgate.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The repartition topics that builds before the shared {@code events-by-customer} topic moved events through, one per input
 * ({@code <application.id>-input-<topic>-by-customer-repartition}). This build no longer reads them: an event an earlier
 * build wrote there and never read would never be decided. So {@code run} refuses to start while any such topic holds
 * events past the application's committed offset, and names them.
 */
public final class EarlierRepartitionTopics {

    private static final String SUFFIX = "-by-customer-repartition";

    private final Admin admin;

    public EarlierRepartitionTopics(Admin admin) {
        this.admin = admin;
    }

    /** One problem per earlier repartition topic that holds events the application has not read; none when all are read. */
    public List<String> unreadEvents(String applicationId) throws ExecutionException, InterruptedException, TimeoutException {
        String prefix = applicationId + "-input-";
        Set<String> earlier = admin.listTopics().names().get(TopicProvisioner.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(name -> name.startsWith(prefix) && name.endsWith(SUFFIX)).collect(Collectors.toSet());
        if (earlier.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = admin.describeTopics(earlier).allTopicNames().get(TopicProvisioner.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .values().stream().flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                .toList();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                .get(TopicProvisioner.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> earliest = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, ListOffsetsResultInfo> latest = offsets(partitions, OffsetSpec.latest());
        Map<String, Long> unread = new TreeMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata read = committed.get(partition);
            long from = Math.max(earliest.get(partition).offset(), read == null ? 0 : read.offset());
            long left = latest.get(partition).offset() - from;
            if (left > 0) {
                unread.merge(partition.topic(), left, Long::sum);
            }
        }
        List<String> problems = new ArrayList<>();
        unread.forEach((topic, count) -> problems.add("topic " + topic + " holds " + count + " events that an earlier ConsentGate build "
                + "moved to their customer's partition and has not decided; this build moves events through " + applicationId
                + "-events-by-customer-repartition and would never read them: let the earlier build decide them first "
                + "(docs/operations.md, \"Upgrading to one repartition topic\")"));
        return problems;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec))).all()
                .get(TopicProvisioner.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
