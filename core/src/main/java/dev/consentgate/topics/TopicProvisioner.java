package dev.consentgate.topics;

import dev.consentgate.policy.Policy;
import dev.consentgate.config.ConsentGateConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Checks the topics ConsentGate reads and creates the ones it writes. Idempotent: existing topics
 * are left as they are and reported.
 */
public final class TopicProvisioner {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What provisioning found and did. {@code problems} non-empty means ConsentGate cannot run on these topics. */
    public record Report(List<String> created, List<String> existing, List<String> problems) {
    }

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /** The partition counts of the topics that exist, by name. */
    public Map<String, Integer> partitions(Collection<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<String> present = topics.stream().filter(existing::contains).toList();
        Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return described.values().stream().collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
    }

    /**
     * Problems with the topics ConsentGate reads: missing ones, co-partitioned ones whose partition counts
     * differ, and an audit topic whose partition count differs from the consent topic's.
     */
    public List<String> checkReadTopics(TopicLayout layout, Policy policy, ConsentGateConfig config)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> described = new TreeSet<>(layout.readTopics());
        described.addAll(layout.coPartitioned(policy, config));
        Map<String, Integer> partitions = partitions(described);
        List<String> problems = new ArrayList<>();
        layout.readTopics().stream().filter(t -> !partitions.containsKey(t))
                .forEach(t -> problems.add("topic " + t + " does not exist (ConsentGate reads it)"));
        Map<String, Integer> coPartitioned = layout.coPartitioned(policy, config).stream().filter(partitions::containsKey)
                .collect(Collectors.toMap(t -> t, partitions::get));
        if (coPartitioned.values().stream().distinct().count() > 1) {
            problems.add("topics read side by side must have the same number of partitions, so that one customer's consent and "
                    + "events meet on one partition: " + coPartitioned);
        }
        Integer consentPartitions = partitions.get(config.consentTopic());
        Integer auditPartitions = partitions(List.of(config.auditTopic())).get(config.auditTopic());
        if (consentPartitions != null && auditPartitions != null && !auditPartitions.equals(consentPartitions)) {
            // Task i writes the hash chain of audit partition i: other counts would leave chains unwritten or mixed.
            problems.add("the audit topic " + config.auditTopic() + " has " + auditPartitions + " partitions; it needs as many as "
                    + config.consentTopic() + " (" + consentPartitions + "), one hash chain per enforcing task");
        }
        return problems;
    }

    /**
     * Problems that stop {@code run}: the read topics' ({@link #checkReadTopics}), and a rerouted-consent or policy topic
     * not created yet (the service writes its policy before it decides anything).
     */
    public List<String> checkTopicsToRun(TopicLayout layout, Policy policy, ConsentGateConfig config)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> problems = new ArrayList<>(checkReadTopics(layout, policy, config));
        String rerouted = config.reroutedConsentTopic();
        if (!partitions(List.of(rerouted)).containsKey(rerouted)) {
            problems.add("topic " + rerouted + " does not exist (ConsentGate reads and writes it): `consentgate topics create` creates it");
        }
        String policies = config.policiesTopic();
        if (!partitions(List.of(policies)).containsKey(policies)) {
            problems.add("topic " + policies + " does not exist (ConsentGate writes its policy there): `consentgate topics create` creates it");
        }
        String erasures = config.erasureTopic();
        if (!partitions(List.of(erasures)).containsKey(erasures)) {
            problems.add("topic " + erasures + " does not exist (ConsentGate writes an erasure notice there for every erasure request): "
                    + "`consentgate topics create` creates it");
        }
        if (policy.usesReview()) {
            for (String review : List.of(config.reviewTopic(), config.reviewDecisionsTopic())) {
                if (!partitions(List.of(review)).containsKey(review)) {
                    problems.add("topic " + review + " does not exist (a purpose of the policy has review: required, and held records "
                            + "and reviewers' decisions go there): `consentgate topics create` creates it");
                }
            }
        }
        String keys = config.keysTopic();
        if (policy.usesDataKeys() && !partitions(List.of(keys)).containsKey(keys)) {
            problems.add("topic " + keys + " does not exist (the policy encrypts fields, and the customers' data keys are kept there): "
                    + "`consentgate topics create` creates it");
        }
        return problems;
    }

    /**
     * Creates the written topics that do not exist yet, with as many partitions as the consent topic.
     */
    public Report createWrittenTopics(TopicLayout layout, String consentTopic, Optional<Short> replicationFactor)
            throws ExecutionException, InterruptedException, TimeoutException {
        int partitionCount = partitions(List.of(consentTopic)).getOrDefault(consentTopic, 1);
        Map<String, Integer> existing = partitions(layout.writtenTopics().keySet());
        List<String> created = new ArrayList<>();
        List<NewTopic> toCreate = new ArrayList<>();
        layout.writtenTopics().forEach((topic, configs) -> {
            if (!existing.containsKey(topic)) {
                toCreate.add(new NewTopic(topic, Optional.of(partitionCount), replicationFactor).configs(configs));
                created.add(topic);
            }
        });
        // A topic created just before may be missing from the broker's topic list for a moment: creating it again
        // finds it exists, and it is reported as existing, not as created.
        Set<String> foundExisting = create(toCreate);
        created.removeAll(foundExisting);
        Set<String> allExisting = new TreeSet<>(existing.keySet());
        allExisting.addAll(foundExisting);
        return new Report(created, List.copyOf(allExisting), List.of());
    }

    /** Creates the topics; returns those that existed already (another instance, or this one a moment ago, created them). */
    public Set<String> create(List<NewTopic> topics) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existed = new TreeSet<>();
        if (topics.isEmpty()) {
            return existed;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (Map.Entry<String, KafkaFuture<Void>> result : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // The wanted state is reached.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                existed.add(result.getKey());
            }
        }
        return existed;
    }
}
