package dev.consentgate.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.KeyedHash;
import dev.consentgate.testing.ApicurioRegistry;
import dev.consentgate.testing.BrokerSecurity;
import dev.consentgate.testing.ChaosRun;
import dev.consentgate.testing.EndToEndRun;
import dev.consentgate.testing.EndToEndScenario;
import dev.consentgate.testing.KafkaTestSupport;
import dev.consentgate.testing.RunnableJar;
import dev.consentgate.testing.SecuredKafkaBroker;
import dev.consentgate.testing.SecuredRegistryProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ConsentGate against a broker secured as in production: TLS and SASL/SCRAM-SHA-512 only, ACLs enforced by
 * StandardAuthorizer, no super user but the broker's own. The service's user, the auditor's and a purpose consumer's
 * are created, and given exactly the ACLs of the deploy files' Strimzi KafkaUsers. The cluster's operator runs
 * {@code topics create}; as the service's user, the runnable jar decides a run with every output exactly once; as the
 * auditor's user, {@code audit verify}, {@code explain} and {@code replay} work, and the auditor can change nothing.
 * The purpose consumer reads its purpose's topic and nothing else. The SASL password and the HMAC key come from files, as from a Kubernetes secret volume, through
 * Kafka's DirectoryConfigProvider, and appear in no log and not in /metrics.
 */
class SecuredKafkaIT {

    @RegisterExtension
    static final SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();

    private static final String REGISTRY_USER = "consentgate";
    private static final String REGISTRY_PASSWORD = "registry-password-" + UUID.randomUUID();
    private static SecuredRegistryProxy registry;

    private static final Path STRIMZI = Path.of("..", "deploy", "strimzi");
    private static final String HMAC_KEY = "hmac-key-from-a-secret-volume-" + UUID.randomUUID();
    private static final String SERVICE_PASSWORD = "service-password-" + UUID.randomUUID();
    private static final String AUDITOR_PASSWORD = "auditor-password-" + UUID.randomUUID();
    private static final String PURPOSE_PASSWORD = "purpose-password-" + UUID.randomUUID();
    private static final String PURPOSE_TOPIC = "crm.purpose.analytics.reporting";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private static StrimziUser serviceUser;
    private static StrimziUser auditorUser;
    private static StrimziUser purposeUser;
    private static EndToEndRun run;
    private static EndToEndScenario scenario;
    private static Path dir;
    private static Path config;
    private static Path auditorConfig;
    private static Path policy;
    private static RunnableJar service;
    private static String topicsCreateOutput;

    @BeforeAll
    static void runTheServiceAsItsUser() throws Exception {
        // Given the deploy files' users, with their ACLs, on a secured broker
        serviceUser = StrimziUser.read(STRIMZI.resolve("010-KafkaUser-consentgate.yaml"));
        auditorUser = StrimziUser.read(STRIMZI.resolve("015-KafkaUser-consentgate-auditor.yaml"));
        purposeUser = StrimziUser.read(STRIMZI.resolve("021-KafkaUser-consumer-analytics.reporting.yaml"));
        for (var user : Map.of(serviceUser, SERVICE_PASSWORD, auditorUser, AUDITOR_PASSWORD, purposeUser, PURPOSE_PASSWORD).entrySet()) {
            KAFKA.createUser(user.getKey().name(), user.getValue());
            KAFKA.grant(user.getKey().acls());
        }
        // and the topics ConsentGate reads, made by the cluster's operator, under the application id the ACLs name
        run = EndToEndRun.withDeploymentTopicNames(KAFKA.bootstrapServers(), KAFKA.security().superUserSettings(),
                ApicurioRegistry.shared().ccompatUrl(), serviceUser.name());
        scenario = new EndToEndScenario(29, 100, 600);
        dir = Files.createDirectories(Path.of("target", "secured", UUID.randomUUID().toString().substring(0, 8))).toAbsolutePath();
        // and the schema registry behind TLS and basic authentication
        registry = SecuredRegistryProxy.start(ApicurioRegistry.shared().ccompatUrl(), REGISTRY_USER, REGISTRY_PASSWORD, dir.resolve("registry-tls"));
        Path secrets = secretVolume(dir.resolve("secrets"));
        config = run.writeConfig(dir, settingsAs(serviceUser, secrets, "sasl-password"));
        auditorConfig = run.writeConfig(dir, settingsAs(auditorUser, secrets, "auditor-sasl-password"));
        policy = run.writePolicy(dir.resolve("policy.yaml"));
        Map<String, String> operatorSettings = settingsAs(serviceUser, secrets, "sasl-password");
        operatorSettings.put("sasl.jaas.config", KAFKA.security().superUserSettings().get("sasl.jaas.config").toString());
        Path operatorConfig = run.writeConfig(dir, operatorSettings);

        // When the cluster's operator creates the topics ConsentGate writes, and the service runs as its user
        topicsCreateOutput = command("topics-create.log", "topics", "create", "--config", operatorConfig.toString(), "--policy", policy.toString());
        run.produce(scenario);
        service = RunnableJar.run(config, policy, dir.resolve("service.log"), ChaosRun.SERVICE_JVM_OPTIONS);
        assertThat(service.awaitReady(ChaosRun.READY_TIMEOUT)).as("ready; its log ends:%n%s", ChaosRun.tail(service.log(), 40)).isTrue();
    }

    @AfterAll
    static void stopTheService() throws Exception {
        try {
            if (service != null) {
                try (RunnableJar stopping = service) {
                    assertThat(stopping.stop(Duration.ofSeconds(60))).as("exit code on SIGTERM").isZero();
                }
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    /** The files of a Kubernetes secret volume: one per key. */
    private static Path secretVolume(Path secrets) throws Exception {
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("hmac-key"), HMAC_KEY);
        Files.writeString(secrets.resolve("sasl-password"), SERVICE_PASSWORD);
        Files.writeString(secrets.resolve("auditor-sasl-password"), AUDITOR_PASSWORD);
        Files.writeString(secrets.resolve("registry-user-info"), REGISTRY_USER + ":" + REGISTRY_PASSWORD);
        Files.writeString(secrets.resolve("registry-truststore-password"), registry.certificates().password());
        return secrets;
    }

    /**
     * A user's settings: TLS and SCRAM as that user, the registry over TLS with basic authentication, the passwords and
     * the HMAC key read from the secret volume.
     */
    private static Map<String, String> settingsAs(StrimziUser user, Path secrets, String passwordFile) {
        Map<String, String> settings = new HashMap<>();
        KAFKA.security().tlsSettings().forEach((key, value) -> settings.put(key, value.toString()));
        settings.put("config.providers", "dir");
        settings.put("config.providers.dir.class", DirectoryConfigProvider.class.getName());
        settings.put("sasl.jaas.config", BrokerSecurity.scramLogin(user.name(), "${dir:" + secrets + ":" + passwordFile + "}"));
        settings.put("consentgate.hmac.key", "${dir:" + secrets + ":hmac-key}");
        settings.put("state.dir", dir.resolve("state").toString());
        settings.put("schema.registry.url", registry.url());
        settings.put("basic.auth.credentials.source", "USER_INFO");
        settings.put("basic.auth.user.info", "${dir:" + secrets + ":registry-user-info}");
        settings.put("schema.registry.ssl.truststore.location", registry.certificates().trustStore().toString());
        settings.put("schema.registry.ssl.truststore.password", "${dir:" + secrets + ":registry-truststore-password}");
        return settings;
    }

    @Test
    void topicsCreateAsTheOperatorMakesEveryTopicConsentGateWrites() {
        List<String> written = List.of("consent.events.rerouted", "consent.audit", "consent.dlq", "crm.purpose.analytics.reporting",
                "crm.purpose.marketing.communications.email", "crm.purpose.train_ai_system");
        assertThat(topicsCreateOutput).contains(written.stream().map(topic -> "created " + topic + "\n").toList())
                .contains("checked consent.events", "checked crm.contacts").doesNotContain("exists ");
    }

    @Test
    void theServiceAsItsUserWritesEveryOutputExactlyOnceKeyedWithTheHmacKeyFromItsFile() {
        run.assertOutputsMatch(scenario);

        // Keys of purposes that may not see the customer id are the HMAC under the key read from the file
        Set<String> customers = customerIds();
        KeyedHash hash = new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8));
        Set<String> hashed = new HashSet<>();
        customers.forEach(customer -> hashed.add(hash.hex(customer)));
        List<String> purposeTopics = scenario.expectedByPurpose.keySet().stream().toList();
        List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(),
                KAFKA.security().superUserSettings(), purposeTopics, r -> false, Duration.ofSeconds(5));
        List<String> keys = outputs.stream().map(KafkaTestSupport::key).toList();
        assertThat(keys).hasSize(scenario.expectedByPurpose.values().stream().mapToInt(Map::size).sum())
                .allMatch(key -> customers.contains(key) || hashed.contains(key), "a customer id or its HMAC under the key from the file")
                .anyMatch(hashed::contains);
    }

    @Test
    void everyCommandReachedTheRegistryOverTlsWithItsCredentialsAndNoneWasRefused() throws Exception {
        run.assertOutputsMatch(scenario);

        assertThat(registry.authenticatedRequests()).isPositive();
        assertThat(registry.refusedRequests()).isZero();
    }

    @Test
    void aStartWithWrongRegistryCredentialsOrWithoutItsTrustStoreStopsWithExitThreeNamingTheProblem() throws Exception {
        Path secrets = dir.resolve("secrets");
        Map<String, String> wrongPassword = settingsAs(serviceUser, secrets, "sasl-password");
        wrongPassword.put("basic.auth.user.info", REGISTRY_USER + ":not-the-password");
        Map<String, String> untrusted = settingsAs(serviceUser, secrets, "sasl-password");
        untrusted.remove("schema.registry.ssl.truststore.location");
        untrusted.remove("schema.registry.ssl.truststore.password");
        int refusedBefore = registry.refusedRequests();

        String refused = failedStart("wrong-registry-password.log", run.writeConfig(dir, wrongPassword));
        String untrustedStart = failedStart("untrusted-registry.log", run.writeConfig(dir, untrusted));

        assertThat(refused).contains("consentgate: Schema registry " + registry.url() + " refused listing subjects (HTTP 401, ")
                .contains("(check basic.auth.credentials.source and basic.auth.user.info)").doesNotContain("not-the-password");
        assertThat(registry.refusedRequests()).isEqualTo(refusedBefore + 1);
        assertThat(untrustedStart).contains("consentgate: cannot reach the schema registry at " + registry.url()
                + ": SSLHandshakeException (does schema.registry.ssl.truststore.location hold the registry's certificate or its issuer?)");
    }

    /** Starts the service's jar with that configuration; fails unless it exits 3; its output. */
    private static String failedStart(String logName, Path configuration) throws Exception {
        Path log = dir.resolve(logName);
        int exit = RunnableJar.execute(log, COMMAND_TIMEOUT, "run", "--config", configuration.toString(), "--policy", policy.toString());
        String output = Files.readString(log);
        assertThat(exit).as("exit code of run; output:%n%s", output).isEqualTo(3);
        return output;
    }

    /** It reads purpose topics only to locate an erased customer's records for the erasure notice; what it writes for others it may not read. */
    @Test
    void theServiceUserMayNotReadItsOwnAuditTrailOrTheErasureNotices() {
        Map<String, Object> asService = KAFKA.security().clientSettings(serviceUser.name(), SERVICE_PASSWORD);

        assertThatThrownBy(() -> readWithoutGroupUntilFailure(asService, "consent.audit")).isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> readWithoutGroupUntilFailure(asService, "privacy.erasure")).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void theAuditorMayNotWriteTheAuditTrailTheConsentTopicOrAPurposeTopic() {
        Map<String, Object> asAuditor = new HashMap<>(KAFKA.security().clientSettings(auditorUser.name(), AUDITOR_PASSWORD));
        asAuditor.put("bootstrap.servers", KAFKA.bootstrapServers());
        asAuditor.put("max.block.ms", 30_000);
        // Not idempotent: an idempotent producer is refused at once for lacking Write anywhere (a cluster-level
        // refusal); this one asks for each topic, so each topic's own ACLs are what refuse it.
        asAuditor.put("enable.idempotence", false);
        try (var producer = new KafkaProducer<>(asAuditor, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String topic : List.of("consent.audit", "consent.events", PURPOSE_TOPIC)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {1})).get())
                        .as("writing to " + topic).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void theAuditorsCommandsRunAsTheAuditorsUser() throws Exception {
        int decided = scenario.decidedEventIds.size();
        run.assertOutputsMatch(scenario);

        assertThat(command("audit-verify.log", "audit", "verify", "--config", auditorConfig.toString()))
                .contains("consent.audit: intact, " + String.format("%,d", decided) + " records in 3 partitions");
        String eventId = scenario.decidedEventIds.get(0);
        assertThat(command("explain.log", "explain", "--config", auditorConfig.toString(), "--event-id", eventId))
                .startsWith("Event " + eventId + " (crm.").contains("audit record: consent.audit partition ");
        assertThat(command("replay.log", "replay", "--config", auditorConfig.toString(), "--policy", policy.toString(),
                "--state-dir", Files.createDirectories(dir.resolve("replay-state")).toString()))
                .contains("result: all " + String.format("%,d", decided) + " decisions match");
    }

    @Test
    void aPurposeConsumerReadsItsOwnPurposeTopicOnlyAndOnlyInItsOwnGroup() {
        run.assertOutputsMatch(scenario);
        Map<String, Object> asPurpose = new HashMap<>(KAFKA.security().clientSettings(purposeUser.name(), PURPOSE_PASSWORD));
        asPurpose.put("group.id", purposeUser.name());
        int expected = scenario.expectedByPurpose.get(PURPOSE_TOPIC).size();

        List<ConsumerRecord<byte[], byte[]>> own = KafkaTestSupport.readCommitted(KAFKA.bootstrapServers(), asPurpose, List.of(PURPOSE_TOPIC),
                r -> r.size() >= expected, EndToEndRun.PROCESSING_TIMEOUT);

        assertThat(own).hasSize(expected);
        assertThatThrownBy(() -> pollUntilFailure(asPurpose, "crm.purpose.marketing.communications.email"))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> readWithoutGroupUntilFailure(asPurpose, "consent.audit")).isInstanceOf(TopicAuthorizationException.class);
        Map<String, Object> otherGroup = new HashMap<>(asPurpose);
        otherGroup.put("group.id", "someone-else");
        assertThatThrownBy(() -> pollUntilFailure(otherGroup, PURPOSE_TOPIC)).isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void theSecretsFromFilesAppearInNoLogAndNotInMetrics() throws Exception {
        run.assertOutputsMatch(scenario);
        String metrics = service.httpGet("/metrics");

        assertThat(metrics).contains("consentgate_decisions_total");
        for (Path file : List.of(config, auditorConfig)) {
            assertThat(Files.readString(file)).doesNotContain(HMAC_KEY, SERVICE_PASSWORD, AUDITOR_PASSWORD, REGISTRY_PASSWORD);
        }
        for (String shown : List.of(metrics, service.log(), topicsCreateOutput)) {
            assertThat(shown).doesNotContain(HMAC_KEY, SERVICE_PASSWORD, AUDITOR_PASSWORD, REGISTRY_PASSWORD);
        }
        try (var logs = Files.list(dir)) {
            for (Path log : logs.filter(path -> path.toString().endsWith(".log")).toList()) {
                assertThat(Files.readString(log)).as(log.toString()).doesNotContain(HMAC_KEY, SERVICE_PASSWORD, AUDITOR_PASSWORD, REGISTRY_PASSWORD);
            }
        }
    }

    /** Subscribes to the topic with those settings and polls until the consumer fails; fails itself if it reads records instead. */
    private static void pollUntilFailure(Map<String, Object> settings, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaTestSupport.readCommittedConsumer(KAFKA.bootstrapServers(), settings)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(consumer.poll(Duration.ofMillis(500))).as("records read from " + topic).isEmpty();
            }
        }
        throw new AssertionError("reading " + topic + " did not fail within 30 s");
    }

    /** Reads partition 0 of the topic from its start with those settings but no consumer group until the consumer fails. */
    private static void readWithoutGroupUntilFailure(Map<String, Object> settings, String topic) {
        Map<String, Object> withoutGroup = new HashMap<>(settings);
        withoutGroup.put("bootstrap.servers", KAFKA.bootstrapServers());
        withoutGroup.remove("group.id");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(withoutGroup, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(consumer.poll(Duration.ofMillis(500))).as("records read from " + topic).isEmpty();
            }
        }
        throw new AssertionError("reading " + topic + " did not fail within 30 s");
    }

    /** Every customer id of the scenario: the consent events' keys and the CRM events' customer ids. */
    private static Set<String> customerIds() {
        Set<String> customers = new HashSet<>();
        for (EndToEndScenario.Message message : scenario.messages) {
            if (message.topic().equals("consent.events")) {
                customers.add(message.key());
            } else if (message.value() instanceof GenericRecord record && record.get("customerId") != null) {
                customers.add(record.get("customerId").toString());
            }
        }
        return customers;
    }

    /** Runs a command of the auditor's jar to its end; fails unless it exits 0; its output. */
    private static String command(String logName, String... args) throws Exception {
        Path log = dir.resolve(logName);
        int exit = RunnableJar.execute(log, COMMAND_TIMEOUT, args);
        String output = Files.readString(log);
        assertThat(exit).as("exit code of consentgate %s; output:%n%s", String.join(" ", args), output).isZero();
        return output;
    }
}
