package dev.consentgate.reliability;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Which members a Kafka Streams application's consumer group has and which partitions of a topic they
 * are assigned, as the group coordinator reports it (the classic group protocol, Kafka Streams' default).
 */
final class GroupAssignment implements AutoCloseable {

    private final Admin admin;
    private final String groupId;

    GroupAssignment(String bootstrapServers, String groupId) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.groupId = groupId;
    }

    /** The ids of the group's members. */
    Set<String> members() throws Exception {
        return describe().members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
    }

    /**
     * Waits until the group is stable with {@code count} members, all of them among {@code amongMembers} (any when
     * empty), and they are assigned every partition of {@code topic}; how long that took.
     */
    Duration awaitStableAssignment(int count, Set<String> amongMembers, String topic, int partitions, Duration timeout) throws Exception {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        String last = "not described yet";
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription group = describe();
            Set<String> present = group.members().stream().map(MemberDescription::consumerId).collect(Collectors.toSet());
            Set<Integer> assigned = new HashSet<>();
            group.members().forEach(member -> member.assignment().topicPartitions().stream()
                    .filter(partition -> partition.topic().equals(topic)).map(TopicPartition::partition).forEach(assigned::add));
            if (group.groupState() == GroupState.STABLE && present.size() == count
                    && (amongMembers.isEmpty() || amongMembers.containsAll(present)) && assigned.size() == partitions) {
                return Duration.ofNanos(System.nanoTime() - started);
            }
            last = group.groupState() + ", members " + present + ", partitions of " + topic + " assigned " + assigned;
            Thread.sleep(50);
        }
        throw new AssertionError("group " + groupId + " not stable with " + count + " members among " + amongMembers + " and all " + partitions
                + " partitions of " + topic + " within " + timeout + "; last seen: " + last);
    }

    private ConsumerGroupDescription describe() throws Exception {
        return admin.describeConsumerGroups(List.of(groupId), new DescribeConsumerGroupsOptions().timeoutMs(10_000))
                .describedGroups().get(groupId).get();
    }

    @Override
    public void close() {
        admin.close();
    }
}
