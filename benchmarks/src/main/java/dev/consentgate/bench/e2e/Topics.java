package dev.consentgate.bench.e2e;

import dev.consentgate.bench.ExamplePolicy;
import dev.consentgate.bench.SampleContacts;
import dev.consentgate.policy.Policy;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.topics.TopicLayout;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The benchmark's topics: the inputs both apps read, and what each app writes. */
final class Topics {

    static final String CONSENT = "consent.events";
    static final String CONTACTS = SampleContacts.TOPIC;
    /** The pass-through baseline's output. */
    static final String COPY = "bench.contacts-copy";
    /** Inputs of the example policy that the workload leaves empty; fan-out reads them as enforcement's task does. */
    static final List<String> UNUSED_INPUTS = List.of("crm.email-engagement", "crm.lead-scores");

    private Topics() {
    }

    static ConsentGateConfig consentGateConfig() {
        return new ConsentGateConfig(Map.of(ConsentGateConfig.HMAC_KEY, ExamplePolicy.HMAC_KEY));
    }

    /** The purpose topics of the policy; the audit and dead-letter topics are separate. */
    static List<String> purposeTopics(Policy policy) {
        return policy.outputTopics();
    }

    /**
     * Creates every topic with the same partition count and no time retention: the workload's timestamps are hours old.
     * The topics ConsentGate reads and writes are those of its {@link TopicLayout}, as {@code topics create} makes them, so
     * a topic the service gains (the signals topic, inputs the workload leaves empty) is there for the benchmark too.
     */
    static void createAll(String bootstrap, Policy policy, int partitions) throws Exception {
        ConsentGateConfig config = consentGateConfig();
        TopicLayout layout = TopicLayout.of(config, policy);
        Set<String> names = new TreeSet<>(List.of(CONSENT, CONTACTS, COPY));
        names.addAll(layout.readTopics());
        names.addAll(layout.writtenTopics().keySet());
        List<NewTopic> topics = names.stream()
                .map(name -> new NewTopic(name, partitions, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))
                .toList();
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(topics).all().get(1, TimeUnit.MINUTES);
        }
    }

    static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(props);
    }
}
