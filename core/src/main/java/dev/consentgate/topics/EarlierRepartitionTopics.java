package dev.consentgate.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The repartition topics that builds before the shared {@code events-by-customer} topic moved events through, one per input
 * ({@code <application.id>-input-<topic>-by-customer-repartition}). This build no longer reads them: an event an earlier
 * build wrote there and never read would never be decided. So {@code run} refuses to start while an instance of the
 * earlier build still reads them (it could write more after this check), or while any of them holds committed events
 * past the application's committed offset; it names them.
 */
public final class EarlierRepartitionTopics {

    private static final String SUFFIX = "-by-customer-repartition";
    private static final String PROCEDURE = "(docs/operations.md, \"Upgrading to one repartition topic\")";

    private final Admin admin;

    public EarlierRepartitionTopics(Admin admin) {
        this.admin = admin;
    }

    /** The problems that stop the start; none when no earlier topic exists, or when all are read and nobody reads them. */
    public List<String> problemsBeforeStart(String applicationId) throws ExecutionException, InterruptedException, TimeoutException {
        String prefix = applicationId + "-input-";
        Set<String> earlier = get(admin.listTopics().names()).stream()
                .filter(name -> name.startsWith(prefix) && name.endsWith(SUFFIX)).collect(Collectors.toCollection(TreeSet::new));
        if (earlier.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        Set<String> stillRead = readByRunningMembers(applicationId, earlier);
        if (!stillRead.isEmpty()) {
            problems.add("an instance of an earlier ConsentGate build is still running in group " + applicationId + " (it reads "
                    + String.join(", ", stillRead) + "): stop every instance of the earlier build before starting this one "
                    + PROCEDURE);
        }
        unreadCounts(applicationId, earlier).forEach((topic, count) -> problems.add("topic " + topic + " holds " + count
                + " events that an earlier ConsentGate build moved to their customer's partition and has not decided; this build "
                + "moves events through " + applicationId + "-events-by-customer-repartition and would never read them: let the "
                + "earlier build decide them first " + PROCEDURE));
        return problems;
    }

    /** The earlier topics that a member of the group is assigned: only the earlier build's topology reads them. */
    private Set<String> readByRunningMembers(String applicationId, Set<String> earlier)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConsumerGroupDescription group;
        try {
            group = get(admin.describeConsumerGroups(List.of(applicationId)).all()).get(applicationId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Set.of();
            }
            throw e;
        }
        return group.members().stream().flatMap(member -> member.assignment().topicPartitions().stream())
                .map(TopicPartition::topic).filter(earlier::contains).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Per earlier topic, the committed events past the group's committed offset (or the earliest, when none or purged). */
    private Map<String, Long> unreadCounts(String applicationId, Set<String> earlier)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = get(admin.describeTopics(earlier).allTopicNames()).values().stream()
                .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition()))).toList();
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata());
        Map<TopicPartition, ListOffsetsResultInfo> earliest = offsets(partitions, OffsetSpec.earliest());
        // The last stable offset: a transaction a crashed earlier instance left open or aborted holds no event to decide.
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
        return unread;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        return get(admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)),
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
    }

    private static <T> T get(KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(TopicProvisioner.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
