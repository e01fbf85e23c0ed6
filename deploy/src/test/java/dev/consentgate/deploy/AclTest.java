package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclTest {

    private static final String PURPOSE_TOPIC_PREFIX = "crm.purpose.";
    private static final String AUDITOR = "consentgate-auditor";
    private static final String ERASURE_CONSUMER = "consentgate-erasure-consumer";
    private static final String REVIEWER = "consentgate-reviewer";
    private static final String CONSENT_MANAGEMENT_PLATFORM = "consent-management-platform";
    /** The consumers of purposes whose fields are encrypted (the demo encrypts the marketing email): they read the data keys. */
    private static final Set<String> DECRYPTING_CONSUMERS = Set.of("User:consumer-marketing.communications.email");

    private static StrimziManifests strimzi;
    private static DeployedLayout deployed;

    @BeforeAll
    static void load(@TempDir Path secrets) {
        strimzi = StrimziManifests.load(DeployFiles.STRIMZI);
        deployed = DeployedLayout.of(RenderedManifests.of(DeployFiles.KUBERNETES), secrets);
    }

    @Test
    void theScriptGrantsExactlyWhatTheKafkaUsersGrant(@TempDir Path work) {
        Set<AclBinding> fromScript = AclScript.grants(DeployFiles.ACL_SCRIPT, work);
        Set<AclBinding> fromKafkaUsers = KafkaUserAcls.of(strimzi.users());

        assertThat(fromScript).as("granted by the script only").containsExactlyInAnyOrderElementsOf(fromKafkaUsers);
        // The service: 61 (the 21 topics, Read on the 7 purpose topics and the review topic too, internal topics, group, transactional ids); the
        // auditor: 10 topics, 2 each; 7 consumers: 3 each, and 2 for the one that reads the data keys; the erasure consumer: 3;
        // the reviewer: 5; the consent-management platform: 2.
        assertThat(fromKafkaUsers).hasSize(114);
    }

    @Test
    void theServiceMayDoExactlyWhatItsTopicsInternalTopicsGroupAndTransactionsNeed() {
        String applicationId = deployed.applicationId();
        Set<AclBinding> expected = new HashSet<>();
        deployed.provisionedReadTopics().forEach(topic -> expected.addAll(allow(ResourceType.TOPIC, topic, PatternType.LITERAL,
                AclOperation.READ, AclOperation.DESCRIBE)));
        deployed.provisionedWrittenTopics().keySet().forEach(topic -> expected.addAll(allow(ResourceType.TOPIC, topic,
                PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE)));
        // Purpose topics and held records are read back, only to find an erased customer's records for the erasure notice.
        Stream.concat(deployed.topics().writtenTopics().keySet().stream().filter(topic -> topic.startsWith(PURPOSE_TOPIC_PREFIX)),
                        Stream.of(deployed.config().reviewTopic()))
                .forEach(topic -> expected.addAll(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ)));
        // Written on a misplaced consent event and read back beside the consent topic.
        expected.addAll(allow(ResourceType.TOPIC, deployed.config().reroutedConsentTopic(), PatternType.LITERAL, AclOperation.READ));
        // Kafka Streams creates, reads, writes, purges and checks its changelog and repartition topics.
        expected.addAll(allow(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED, AclOperation.CREATE,
                AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS));
        expected.addAll(allow(ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE));
        expected.addAll(allow(ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.WRITE,
                AclOperation.DESCRIBE));

        assertThat(KafkaUserAcls.of(strimzi.user(applicationId)))
                .containsExactlyInAnyOrderElementsOf(withPrincipal("User:" + applicationId, expected));
    }

    @Test
    void theAuditorMayReadWhatReplayReadsAndWriteNothing() {
        Set<AclBinding> expected = new HashSet<>();
        // Not the signals topic: replay reads the statements signals became, on the rerouted-consent topic.
        Stream.concat(deployed.topics().readTopics().stream().filter(topic -> !topic.equals(deployed.config().signalsTopic())),
                        Stream.of(deployed.config().reroutedConsentTopic(), deployed.config().auditTopic(), deployed.config().checkpointTopic(),
                                deployed.config().policiesTopic(), deployed.config().dlqTopic(), deployed.config().reviewDecisionsTopic()))
                .forEach(topic -> expected.addAll(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ,
                        AclOperation.DESCRIBE)));

        assertThat(KafkaUserAcls.of(strimzi.user(AUDITOR))).containsExactlyInAnyOrderElementsOf(withPrincipal("User:" + AUDITOR, expected));
    }

    @Test
    void eachPurposeTopicIsReadByItsOwnConsumerAndNoConsumerReadsAnotherTopic() {
        Set<AclBinding> all = KafkaUserAcls.of(strimzi.users());
        List<String> purposeTopics = deployed.topics().writtenTopics().keySet().stream()
                .filter(topic -> topic.startsWith(PURPOSE_TOPIC_PREFIX)).toList();
        List<String> everyTopic = everyTopic();

        assertThat(purposeTopics).hasSize(7);
        for (String topic : purposeTopics) {
            String consumer = "User:consumer-" + topic.substring(PURPOSE_TOPIC_PREFIX.length()).replace('_', '-');
            List<String> readable = DECRYPTING_CONSUMERS.contains(consumer) ? List.of(topic, deployed.config().keysTopic()) : List.of(topic);
            assertThat(everyTopic).as(consumer + " may read").filteredOn(other -> allows(all, consumer, other, AclOperation.READ))
                    .containsExactlyInAnyOrderElementsOf(readable);
            assertThat(everyTopic).as(consumer + " may write").filteredOn(other -> allows(all, consumer, other, AclOperation.WRITE))
                    .isEmpty();
        }
        Set<String> readersOfPurposeTopics = new TreeSet<>();
        all.stream().filter(binding -> binding.pattern().resourceType() == ResourceType.TOPIC)
                .filter(binding -> binding.entry().operation() == AclOperation.READ)
                .filter(binding -> purposeTopics.stream().anyMatch(topic -> matches(binding.pattern(), topic)))
                .forEach(binding -> readersOfPurposeTopics.add(binding.entry().principal()));
        // One consumer per purpose topic, and the service, which finds an erased customer's records there.
        assertThat(readersOfPurposeTopics).hasSize(purposeTopics.size() + 1).contains("User:" + deployed.applicationId());
    }

    @Test
    void theDataKeysAreWrittenByTheServiceAndReadOnlyByTheConsumersThatDecrypt() {
        Set<AclBinding> all = KafkaUserAcls.of(strimzi.users());
        String keys = deployed.config().keysTopic();

        assertThat(principalsAllowed(all, keys, AclOperation.READ)).containsExactlyInAnyOrderElementsOf(DECRYPTING_CONSUMERS)
                .containsExactly("User:consumer-marketing.communications.email");
        assertThat(principalsAllowed(all, keys, AclOperation.WRITE)).containsExactly("User:" + deployed.applicationId());
        // The service restores its data keys from its own store's changelog: it never reads the key topic.
        assertThat(operations(all, "User:" + deployed.applicationId(), keys))
                .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
        assertThat(operations(all, "User:consumer-marketing.communications.email", keys))
                .containsExactlyInAnyOrder(AclOperation.READ, AclOperation.DESCRIBE);
    }

    @Test
    void theErasureNoticesAreReachableByTheServiceAndTheErasureConsumerAlone() {
        Set<AclBinding> all = KafkaUserAcls.of(strimzi.users());
        String erasure = "privacy.erasure";

        assertThat(all).filteredOn(binding -> binding.pattern().resourceType() == ResourceType.TOPIC
                        && matches(binding.pattern(), erasure))
                .extracting(binding -> binding.entry().principal())
                .containsOnly("User:" + deployed.applicationId(), "User:" + ERASURE_CONSUMER);
        assertThat(operations(all, "User:" + deployed.applicationId(), erasure))
                .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
        assertThat(KafkaUserAcls.of(strimzi.user(ERASURE_CONSUMER))).containsExactlyInAnyOrderElementsOf(withPrincipal(
                "User:" + ERASURE_CONSUMER, union(
                        allow(ResourceType.TOPIC, erasure, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE),
                        allow(ResourceType.GROUP, ERASURE_CONSUMER, PatternType.LITERAL, AclOperation.READ))));
        // It may read nothing else: neither a purpose topic nor the data keys.
        assertThat(everyTopic()).filteredOn(topic -> allows(all, "User:" + ERASURE_CONSUMER, topic, AclOperation.READ))
                .containsExactly(erasure);
    }

    @Test
    void theHeldRecordsAreWrittenByTheServiceAndReadByReviewersWhoWriteTheDecisionsTheServiceReads() {
        Set<AclBinding> all = KafkaUserAcls.of(strimzi.users());
        String review = deployed.config().reviewTopic();
        String decisions = deployed.config().reviewDecisionsTopic();

        assertThat(KafkaUserAcls.of(strimzi.user(REVIEWER))).containsExactlyInAnyOrderElementsOf(withPrincipal("User:" + REVIEWER, union(
                allow(ResourceType.TOPIC, review, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE),
                allow(ResourceType.TOPIC, decisions, PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE))));
        assertThat(principalsAllowed(all, review, AclOperation.WRITE)).containsExactly("User:" + deployed.applicationId());
        // and by the service, only to locate an erased customer's held records for the erasure notice
        assertThat(principalsAllowed(all, review, AclOperation.READ)).containsExactlyInAnyOrder("User:" + deployed.applicationId(),
                "User:" + REVIEWER);
        assertThat(principalsAllowed(all, decisions, AclOperation.WRITE)).containsExactly("User:" + REVIEWER);
        assertThat(principalsAllowed(all, decisions, AclOperation.READ))
                .containsExactlyInAnyOrder("User:" + deployed.applicationId(), "User:" + REVIEWER, "User:" + AUDITOR);
    }

    @Test
    void theConsentManagementPlatformWritesSignalsThatOnlyTheServiceReads() {
        Set<AclBinding> all = KafkaUserAcls.of(strimzi.users());
        String signals = deployed.config().signalsTopic();

        assertThat(KafkaUserAcls.of(strimzi.user(CONSENT_MANAGEMENT_PLATFORM))).containsExactlyInAnyOrderElementsOf(withPrincipal(
                "User:" + CONSENT_MANAGEMENT_PLATFORM,
                allow(ResourceType.TOPIC, signals, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE)));
        assertThat(principalsAllowed(all, signals, AclOperation.WRITE)).containsExactly("User:" + CONSENT_MANAGEMENT_PLATFORM);
        assertThat(principalsAllowed(all, signals, AclOperation.READ)).containsExactly("User:" + deployed.applicationId());
    }

    @Test
    void everyUserAuthenticatesWithScramAndIsAllowedNothingElse() {
        assertThat(strimzi.users()).extracting(user -> user.getMetadata().getName()).containsExactlyInAnyOrder("consentgate", AUDITOR,
                "consumer-marketing.communications.email", "consumer-analytics.reporting", "consumer-personalize.profiling",
                "consumer-train-ai-system", "consumer-marketing.advertising", "consumer-sales.prospecting",
                "consumer-essential.service", ERASURE_CONSUMER, REVIEWER, CONSENT_MANAGEMENT_PLATFORM);
        for (KafkaUser user : strimzi.users()) {
            assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            assertThat(KafkaUserAcls.of(user)).allSatisfy(binding -> {
                assertThat(binding.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
                assertThat(binding.entry().host()).isEqualTo("*");
                assertThat(binding.pattern().name()).isNotEqualTo(ResourcePattern.WILDCARD_RESOURCE);
                assertThat(binding.pattern().resourceType()).isNotEqualTo(ResourceType.CLUSTER);
            });
        }
    }

    private static Set<AclBinding> allow(ResourceType type, String name, PatternType patternType, AclOperation... operations) {
        Set<AclBinding> bindings = new HashSet<>();
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, patternType),
                    new AccessControlEntry("", "*", operation, AclPermissionType.ALLOW)));
        }
        return bindings;
    }

    /** Every topic the deployment has: what the service reads and writes. */
    private static List<String> everyTopic() {
        return Stream.concat(deployed.provisionedReadTopics().stream(), deployed.provisionedWrittenTopics().keySet().stream()).toList();
    }

    @SafeVarargs
    private static Set<AclBinding> union(Set<AclBinding>... sets) {
        Set<AclBinding> all = new HashSet<>();
        for (Set<AclBinding> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    /** The principals the bindings let do the operation on the topic. */
    private static Set<String> principalsAllowed(Set<AclBinding> bindings, String topic, AclOperation operation) {
        Set<String> principals = new TreeSet<>();
        bindings.stream().map(binding -> binding.entry().principal())
                .filter(principal -> allows(bindings, principal, topic, operation))
                .forEach(principals::add);
        return principals;
    }

    /** The operations the bindings grant the principal on the topic, by any pattern. */
    private static Set<AclOperation> operations(Set<AclBinding> bindings, String principal, String topic) {
        Set<AclOperation> operations = new TreeSet<>();
        bindings.stream().filter(binding -> binding.entry().principal().equals(principal))
                .filter(binding -> binding.pattern().resourceType() == ResourceType.TOPIC && matches(binding.pattern(), topic))
                .forEach(binding -> operations.add(binding.entry().operation()));
        return operations;
    }

    private static Set<AclBinding> withPrincipal(String principal, Set<AclBinding> bindings) {
        Set<AclBinding> named = new HashSet<>();
        bindings.forEach(binding -> named.add(new AclBinding(binding.pattern(), new AccessControlEntry(principal,
                binding.entry().host(), binding.entry().operation(), binding.entry().permissionType()))));
        return named;
    }

    /** Whether the bindings let the principal do the operation on the topic, as Kafka's authorizer matches patterns. */
    private static boolean allows(Set<AclBinding> bindings, String principal, String topic, AclOperation operation) {
        return bindings.stream().anyMatch(binding -> binding.entry().principal().equals(principal)
                && binding.entry().permissionType() == AclPermissionType.ALLOW
                && (binding.entry().operation() == operation || binding.entry().operation() == AclOperation.ALL)
                && binding.pattern().resourceType() == ResourceType.TOPIC && matches(binding.pattern(), topic));
    }

    private static boolean matches(ResourcePattern pattern, String name) {
        return switch (pattern.patternType()) {
            case LITERAL -> pattern.name().equals(name) || pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE);
            case PREFIXED -> name.startsWith(pattern.name());
            default -> throw new IllegalArgumentException("unexpected pattern " + pattern);
        };
    }
}
