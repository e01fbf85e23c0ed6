package dev.consentgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.consentgate.cli.Setup;
import dev.consentgate.client.KeyEncryptionKey;
import dev.consentgate.client.KeysetKek;
import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.TopologySettings;
import dev.consentgate.policy.PolicyParser;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class KubernetesManifestsTest {

    private static final byte[] DATA_KEY = "a customer's data key".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SUBJECT = "a customer's pseudonym".getBytes(StandardCharsets.UTF_8);

    private static final List<String> ARGS = List.of("run", "--config", "/etc/consentgate/config/app.properties",
            "--policy", "/etc/consentgate/policy/policy.yaml", "--http-port", "8080");

    static KubernetesClient client;

    // Kept referenced: java.util.logging forgets the level of a logger that has been garbage collected.
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private static RenderedManifests base;
    private static RenderedManifests overlay;

    @BeforeAll
    static void render() {
        // One INFO line per request otherwise.
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        base = RenderedManifests.of(DeployFiles.KUBERNETES);
        overlay = RenderedManifests.of(DeployFiles.EXAMPLE_OVERLAY);
    }

    @Test
    void theBaseHoldsOneObjectPerNumberedFileAndTheKustomizationListsThemAll() {
        assertThat(base.objects()).extracting(object -> object.getKind() + "/" + object.getMetadata().getName())
                .containsExactlyInAnyOrder("ServiceAccount/consentgate", "ServiceAccount/consentgate-auditor",
                        "ConfigMap/consentgate-policy", "ConfigMap/consentgate-config", "ConfigMap/consentgate-auditor-config",
                        "Secret/consentgate", "Service/consentgate", "Service/consentgate-metrics", "StatefulSet/consentgate",
                        "PodDisruptionBudget/consentgate", "CronJob/consentgate-audit-verify");
        List<String> numberedFiles = DeployFiles.yamlFiles(DeployFiles.KUBERNETES).stream()
                .map(file -> file.getFileName().toString()).filter(name -> !name.equals("kustomization.yaml")).toList();
        assertThat(kustomizationResources(DeployFiles.KUBERNETES)).containsExactlyElementsOf(numberedFiles);
        numberedFiles.forEach(name -> assertThat(name).matches("\\d{3}-[A-Za-z]+-[a-z0-9.-]+\\.yaml"));
    }

    @Test
    void everyObjectReadsBackFromTheApiServerAsItWasApplied() {
        assertRoundTrip(base, "consentgate");
        assertRoundTrip(overlay, "crm-privacy");
    }

    @Test
    void theStatefulSetRunsTheServiceAsOperationsDescribes() {
        StatefulSet statefulSet = client.resource(base.statefulSet()).inNamespace("consentgate-checked").create();
        Container container = statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(statefulSet.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        assertThat(container.getImage()).isEqualTo("consentgate:0.1.0-SNAPSHOT");
        assertThat(container.getArgs()).containsExactlyElementsOf(ARGS);
        assertThat(container.getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getName()).isEqualTo("metrics"))
                .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(8080));
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(container.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("metrics"));
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(container.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("metrics"));

        var podSecurity = statefulSet.getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(podSecurity.getRunAsNonRoot()).isTrue();
        assertThat(podSecurity.getRunAsUser()).isEqualTo(65532L).isEqualTo(DeployFiles.imageUserId());
        assertThat(podSecurity.getFsGroup()).isEqualTo(65532L);
        assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var containerSecurity = container.getSecurityContext();
        assertThat(containerSecurity.getReadOnlyRootFilesystem()).isTrue();
        assertThat(containerSecurity.getAllowPrivilegeEscalation()).isFalse();
        assertThat(containerSecurity.getCapabilities().getDrop()).containsExactly("ALL");

        assertThat(container.getResources().getRequests())
                .containsOnly(entry("cpu", new Quantity("1")), entry("memory", new Quantity("1536Mi")));
        assertThat(container.getResources().getLimits())
                .containsOnly(entry("cpu", new Quantity("2")), entry("memory", new Quantity("1536Mi")));

        assertThat(container.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        DeployedConfiguration.CONFIG_MOUNT, "config",
                        "/etc/consentgate/policy", "policy",
                        DeployedConfiguration.SECRETS_MOUNT, "secrets",
                        "/var/lib/consentgate", "state",
                        "/tmp", "tmp"));
        assertThat(container.getVolumeMounts()).filteredOn(mount -> mount.getName().matches("config|policy|secrets"))
                .allSatisfy(mount -> assertThat(mount.getReadOnly()).isTrue());
        Map<String, Volume> volumes = statefulSet.getSpec().getTemplate().getSpec().getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, volume -> volume));
        assertThat(volumes).containsOnlyKeys("config", "policy", "secrets", "tmp");
        assertThat(volumes.get("tmp").getEmptyDir()).isNotNull();
        assertThat(statefulSet.getSpec().getVolumeClaimTemplates()).singleElement()
                .satisfies(claim -> assertThat(claim.getMetadata().getName()).isEqualTo("state"))
                .satisfies(claim -> assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce"));
    }

    @Test
    void everyConfigMapSecretServiceAccountAndPortTheObjectsNameExists() {
        StatefulSet statefulSet = base.statefulSet();
        var pod = statefulSet.getSpec().getTemplate();
        List<Volume> volumes = pod.getSpec().getVolumes();

        assertThat(volumes.stream().filter(volume -> volume.getConfigMap() != null).map(volume -> volume.getConfigMap().getName()))
                .containsExactlyInAnyOrder("consentgate-config", "consentgate-policy")
                .allSatisfy(name -> assertThat(base.configMap(name)).isNotNull());
        assertThat(volumes.stream().filter(volume -> volume.getSecret() != null).map(volume -> volume.getSecret().getSecretName()))
                .containsExactly("consentgate")
                .allSatisfy(name -> assertThat(base.secret(name)).isNotNull());
        // The service may not read its own audit trail: it does not get the auditor's password.
        assertThat(DeployedConfiguration.SERVICE.projectedSecretKeys(base)).containsExactly("hmac-key", "sasl-password", "ca.p12",
                "ca.password", "checkpoint-signing.key", "checkpoint-signing.pub", "kek.json");
        assertThat(base.only(ServiceAccount.class, pod.getSpec().getServiceAccountName())).isNotNull();
        assertThat(base.only(Service.class, statefulSet.getSpec().getServiceName()).getSpec().getClusterIP()).isEqualTo("None");

        Map<String, String> podLabels = pod.getMetadata().getLabels();
        assertThat(statefulSet.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
        assertThat(base.only(PodDisruptionBudget.class, "consentgate").getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
        assertThat(base.only(PodDisruptionBudget.class, "consentgate").getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        for (String name : List.of("consentgate", "consentgate-metrics")) {
            Service service = base.only(Service.class, name);
            assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(service.getSpec().getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getTargetPort()).isEqualTo(new IntOrString("metrics")))
                    .satisfies(port -> assertThat(port.getPort()).isEqualTo(8080));
        }
    }

    @Test
    void thePolicyConfigMapHoldsTheExamplePolicyUnchanged() throws IOException {
        try (InputStream example = getClass().getResourceAsStream("/policy/example-policy.yaml")) {
            assertThat(base.configMap("consentgate-policy").getData())
                    .containsExactly(entry("policy.yaml", new String(example.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void anUneditedSecretTemplateCannotStartTheServiceWithAPublicHmacKey() {
        String placeholder = DeployedConfiguration.secretValues(base).get("hmac-key");

        assertThatThrownBy(() -> new ConsentGateConfig(Map.of(ConsentGateConfig.HMAC_KEY, placeholder)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("consentgate.hmac.key is shorter than 32 bytes; make a key with: openssl rand -base64 48");
    }

    @Test
    void theConfigurationReadsItsSecretsFromTheMountedSecretThroughKafkasConfigProvider(@TempDir Path secrets)
            throws GeneralSecurityException {
        Map<String, String> secretValues = DeployedConfiguration.secretValues(base);
        Map<String, String> written = DeployedConfiguration.SERVICE.properties(base);
        Map<String, String> mounted = DeployedConfiguration.SERVICE.mountedAt(base, secrets);

        assertThat(written).contains(entry("application.id", "consentgate"), entry("state.dir", "/var/lib/consentgate"),
                entry("num.standby.replicas", "1"), entry("security.protocol", "SASL_SSL"),
                entry("sasl.mechanism", "SCRAM-SHA-512"), entry("config.providers", "dir"),
                entry("config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider"),
                entry("consentgate.hmac.key", "${dir:/etc/consentgate/secrets:hmac-key}"),
                entry("ssl.truststore.location", "/etc/consentgate/secrets/ca.p12"),
                entry("consentgate.audit.signing.key.file", "/etc/consentgate/secrets/checkpoint-signing.key"),
                entry("consentgate.audit.signing.public.key.file", "/etc/consentgate/secrets/checkpoint-signing.pub"),
                entry("consentgate.keys.kek", "${dir:/etc/consentgate/secrets:kek.json}"));
        // Every key the service's pod gets is used, and every key of the Secret goes to the service or the audit check.
        assertThat(DeployedConfiguration.SERVICE.projectedSecretKeys(base)).containsExactlyInAnyOrderElementsOf(referencedSecretKeys(written));
        List<String> auditorKeys = new ArrayList<>(referencedSecretKeys(DeployedConfiguration.AUDITOR.properties(base)));
        auditorKeys.add("checkpoint-signing.pub");
        assertThat(DeployedConfiguration.AUDITOR.projectedSecretKeys(base)).containsExactlyInAnyOrderElementsOf(auditorKeys);
        assertThat(secretValues.keySet()).containsExactlyInAnyOrder("hmac-key", "sasl-password", "auditor-sasl-password", "ca.p12",
                "ca.password", "checkpoint-signing.key", "checkpoint-signing.pub", "kek.json");

        // The real configurations resolve the references, as run builds them.
        assertThat(new ConsentGateConfig(mounted).getPassword(ConsentGateConfig.HMAC_KEY).value())
                .isEqualTo(DeployedConfiguration.FILLED_HMAC_KEY);
        StreamsConfig streams = new StreamsConfig(mounted);
        assertThat(streams.originals().get("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"consentgate\" password=\""
                        + secretValues.get("sasl-password") + "\";");
        assertThat(streams.originals().get("ssl.truststore.password")).isEqualTo(secretValues.get("ca.password"));
        ConsentGateConfig config = new ConsentGateConfig(mounted);
        assertThat(config.signingKeyFiles()).hasValueSatisfying(files -> {
            assertThat(Path.of(files.privateKey())).hasContent(secretValues.get("checkpoint-signing.key"));
            assertThat(Path.of(files.publicKey())).hasContent(secretValues.get("checkpoint-signing.pub"));
        });
        // The key-encryption key read from the file is the Secret's: what one wraps, the other opens.
        byte[] wrapped = KeysetKek.fromJson(DeployedConfiguration.FILLED_KEK, "the filled Secret").aead().encrypt(DATA_KEY, SUBJECT);
        KeyEncryptionKey configured = config.keyEncryptionKey().orElseThrow();
        assertThat(configured.aead().decrypt(wrapped, SUBJECT)).isEqualTo(DATA_KEY);
    }

    @Test
    void anUneditedKeyEncryptionKeyPlaceholderStopsOnlyAPolicyThatEncrypts() {
        String placeholder = DeployedConfiguration.secretValues(base).get("kek.json");
        ConsentGateConfig config = new ConsentGateConfig(Map.of(ConsentGateConfig.HMAC_KEY, DeployedConfiguration.FILLED_HMAC_KEY,
                ConsentGateConfig.KEK, placeholder));
        String example = base.configMap("consentgate-policy").getData().get("policy.yaml");
        String marketingRule = "    allow_categories: [user.contact.email, user.name, user.unique_id, system.operations]\n";
        assertThat(example).containsOnlyOnce(marketingRule);
        String encrypting = example.replace(marketingRule, marketingRule + "    encrypt_categories: [user.contact.email]\n");

        assertThat(TopologySettings.of(config, PolicyParser.parse("policy.yaml", example.getBytes(StandardCharsets.UTF_8))).dataKeys())
                .isEmpty();
        assertThatThrownBy(() -> TopologySettings.of(config, PolicyParser.parse("policy.yaml", encrypting.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("consentgate.keys.kek does not hold a Tink AEAD keyset in JSON (make one with `consentgate keys kek`)")
                .hasMessageNotContaining(placeholder);
    }

    @Test
    void theAuditCheckRunsHourlyOneAtATimeWithTheToolsImage() {
        CronJob cronJob = client.resource(base.only(CronJob.class, DeployedConfiguration.AUDIT_VERIFY)).inNamespace("consentgate-checked").create();
        var spec = cronJob.getSpec();
        var job = spec.getJobTemplate().getSpec();
        PodSpec pod = job.getTemplate().getSpec();

        assertThat(spec.getSchedule()).isEqualTo("17 * * * *");
        assertThat(spec.getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(spec.getStartingDeadlineSeconds()).isEqualTo(600L);
        assertThat(spec.getSuccessfulJobsHistoryLimit()).isEqualTo(3);
        assertThat(spec.getFailedJobsHistoryLimit()).isEqualTo(5);
        assertThat(spec.getSuspend()).isNull();
        // Stopped before the next run is due, so Forbid never skips a run for a hung one.
        assertThat(job.getActiveDeadlineSeconds()).isEqualTo(2700L).isLessThan(3600L);
        assertThat(job.getBackoffLimit()).isEqualTo(2);
        assertThat(job.getPodFailurePolicy().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getAction()).isEqualTo("FailJob");
            assertThat(rule.getOnExitCodes().getContainerName()).isEqualTo("audit-verify");
            assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("In");
            assertThat(rule.getOnExitCodes().getValues()).containsExactly(2, 5);
        });
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");

        assertThat(pod.getContainers()).hasSize(1);
        Container container = pod.getContainers().get(0);
        assertThat(container.getName()).isEqualTo("audit-verify");
        // The tools' image of the same version as the service's.
        assertThat(container.getImage()).isEqualTo("consentgate-tools:0.1.0-SNAPSHOT")
                .isEqualTo(base.statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
                        .replace("consentgate:", "consentgate-tools:"));
        assertThat(container.getArgs()).containsExactly("audit", "verify", "--config", DeployedConfiguration.AUDITOR.path(),
                "--public-key", DeployedConfiguration.SECRETS_MOUNT + "/checkpoint-signing.pub");
        assertThat(container.getPorts()).isEmpty();
        assertThat(container.getResources().getRequests())
                .containsOnly(entry("cpu", new Quantity("500m")), entry("memory", new Quantity("2Gi")));
        assertThat(container.getResources().getLimits())
                .containsOnly(entry("cpu", new Quantity("1")), entry("memory", new Quantity("2Gi")));
    }

    @Test
    void theAuditCheckIsAsConfinedAsTheService() {
        PodSpec pod = DeployedConfiguration.AUDITOR.pod(base);
        PodSpec service = DeployedConfiguration.SERVICE.pod(base);
        Container container = pod.getContainers().get(0);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L).isEqualTo(DeployFiles.imageUserId());
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext()).isEqualTo(service.getSecurityContext());
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getSecurityContext()).isEqualTo(service.getContainers().get(0).getSecurityContext());

        // Its own identity, without an API token.
        assertThat(pod.getServiceAccountName()).isEqualTo("consentgate-auditor").isNotEqualTo(service.getServiceAccountName());
        assertThat(base.only(ServiceAccount.class, "consentgate-auditor").getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        assertThat(container.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        DeployedConfiguration.CONFIG_MOUNT, "config",
                        DeployedConfiguration.SECRETS_MOUNT, "secrets",
                        "/tmp", "tmp"));
        assertThat(container.getVolumeMounts()).filteredOn(mount -> !mount.getName().equals("tmp"))
                .allSatisfy(mount -> assertThat(mount.getReadOnly()).isTrue());
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, volume -> volume));
        assertThat(volumes).containsOnlyKeys("config", "secrets", "tmp");
        assertThat(volumes.get("tmp").getEmptyDir()).isNotNull();
        assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("consentgate-auditor-config");
        assertThat(base.configMap("consentgate-auditor-config").getData()).containsOnlyKeys("auditor.properties");
        // Neither the service's password (it could write decisions) nor the signing key (it could sign a rewritten trail).
        assertThat(DeployedConfiguration.AUDITOR.projectedSecretKeys(base))
                .containsExactly("hmac-key", "auditor-sasl-password", "ca.p12", "ca.password", "checkpoint-signing.pub");

        // Its pods are none of the service's: no Service, PodDisruptionBudget or StatefulSet selects them.
        Map<String, String> labels = base.only(CronJob.class, DeployedConfiguration.AUDIT_VERIFY).getSpec().getJobTemplate().getSpec()
                .getTemplate().getMetadata().getLabels();
        List<Map<String, String>> selectors = new ArrayList<>();
        selectors.add(base.statefulSet().getSpec().getSelector().getMatchLabels());
        selectors.add(base.only(PodDisruptionBudget.class, "consentgate").getSpec().getSelector().getMatchLabels());
        base.objects().stream().filter(Service.class::isInstance)
                .forEach(object -> selectors.add(((Service) object).getSpec().getSelector()));
        assertThat(labels).containsEntry("app.kubernetes.io/name", "consentgate-audit-verify")
                .isEqualTo(base.only(CronJob.class, DeployedConfiguration.AUDIT_VERIFY).getSpec().getJobTemplate().getMetadata().getLabels());
        assertThat(selectors).hasSize(4).allSatisfy(selector -> assertThat(labels.entrySet()).as("labels selected by %s", selector)
                .doesNotContainAnyElementsOf(selector.entrySet()));
    }

    @Test
    void theAuditCheckConnectsAsTheAuditorUserToTheServicesClusterAndTopics(@TempDir Path secrets, @TempDir Path config) throws IOException {
        Map<String, String> secretValues = DeployedConfiguration.secretValues(base);
        Map<String, String> auditor = DeployedConfiguration.AUDITOR.properties(base);
        Map<String, String> service = DeployedConfiguration.SERVICE.properties(base);

        // The user the auditor's ACLs are granted to, not the service's, which may write decisions.
        String auditorUser = StrimziManifests.load(DeployFiles.STRIMZI).user("consentgate-auditor").getMetadata().getName();
        assertThat(jaasUsername(auditor.get("sasl.jaas.config"))).isEqualTo(auditorUser).isEqualTo("consentgate-auditor");
        assertThat(jaasUsername(service.get("sasl.jaas.config"))).isEqualTo("consentgate");
        assertThat(auditor.get("sasl.jaas.config"))
                .isEqualTo(service.get("sasl.jaas.config").replace("username=\"consentgate\"", "username=\"consentgate-auditor\"")
                        .replace(":sasl-password}", ":auditor-sasl-password}"));
        // The service's cluster, registry and topics; nothing that writes or signs.
        for (String same : List.of("bootstrap.servers", "schema.registry.url", "security.protocol", "sasl.mechanism",
                "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password", "config.providers",
                "config.providers.dir.class", "consentgate.hmac.key")) {
            assertThat(auditor.get(same)).as(same).isNotNull().isEqualTo(service.get(same));
        }
        assertThat(auditor).containsOnlyKeys("bootstrap.servers", "schema.registry.url", "security.protocol", "sasl.mechanism",
                "sasl.jaas.config", "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password", "config.providers",
                "config.providers.dir.class", "consentgate.hmac.key");

        // The tools load it as audit verify does, reading the password from the keys the CronJob's pod gets.
        Path file = config.resolve("auditor.properties");
        Properties mounted = new Properties();
        mounted.putAll(DeployedConfiguration.AUDITOR.mountedAt(base, secrets));
        try (var out = java.nio.file.Files.newBufferedWriter(file)) {
            mounted.store(out, null);
        }
        Setup setup = Setup.withoutPolicy(file, Map.of());
        assertThat(setup.properties().get("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"consentgate-auditor\" password=\""
                        + secretValues.get("auditor-sasl-password") + "\";");
        ConsentGateConfig serviceConfig = new ConsentGateConfig(DeployedConfiguration.SERVICE.mountedAt(base, secrets));
        assertThat(setup.config().auditTopic()).isEqualTo(serviceConfig.auditTopic());
        assertThat(setup.config().checkpointTopic()).isEqualTo(serviceConfig.checkpointTopic());
        assertThat(setup.config().signingKeyFiles()).isEmpty();
    }

    @Test
    void theOverlayChangesOnlyNamespaceReplicasAndImages() {
        var serialization = new StrictKubernetesSerialization();
        List<HasMetadata> expected = base.objects().stream().map(object -> {
            HasMetadata copy = serialization.clone(object);
            copy.getMetadata().setNamespace("crm-privacy");
            if (copy instanceof StatefulSet statefulSet) {
                statefulSet.getSpec().setReplicas(3);
                statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0)
                        .setImage("registry.example.com/platform/consentgate:0.1.0");
            }
            if (copy instanceof CronJob cronJob) {
                cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0)
                        .setImage("registry.example.com/platform/consentgate-tools:0.1.0");
            }
            return copy;
        }).toList();

        assertThat(overlay.objects()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(base.statefulSet().getSpec().getReplicas()).isEqualTo(2);
    }

    private static void assertRoundTrip(RenderedManifests manifests, String namespace) {
        for (HasMetadata object : manifests.objects()) {
            client.resource(object).inNamespace(namespace).create();
            HasMetadata readBack = client.resources(object.getClass()).inNamespace(namespace)
                    .withName(object.getMetadata().getName()).get();
            assertThat(readBack).as(object.getKind() + " " + object.getMetadata().getName()).isNotNull();
            assertThat(withoutServerFields(readBack)).isEqualTo(withoutServerFields(object, namespace));
        }
    }

    /** The object as applied, without what the API server adds (uid, resource version, creation time). */
    private static HasMetadata withoutServerFields(HasMetadata object) {
        return withoutServerFields(object, object.getMetadata().getNamespace());
    }

    private static HasMetadata withoutServerFields(HasMetadata object, String namespace) {
        HasMetadata copy = new StrictKubernetesSerialization().clone(object);
        copy.getMetadata().setNamespace(namespace);
        copy.getMetadata().setUid(null);
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setCreationTimestamp(null);
        copy.getMetadata().setGeneration(null);
        return copy;
    }

    private static List<String> kustomizationResources(Path directory) {
        Matcher item = Pattern.compile("(?m)^  - (\\S+)$").matcher(DeployFiles.read(directory.resolve("kustomization.yaml")));
        return item.results().map(match -> match.group(1)).toList();
    }

    private static String jaasUsername(String jaasConfig) {
        Matcher username = Pattern.compile(" username=\"([^\"]*)\"").matcher(jaasConfig);
        assertThat(username.find()).as(jaasConfig).isTrue();
        return username.group(1);
    }

    private static List<String> referencedSecretKeys(Map<String, String> properties) {
        Pattern reference = Pattern.compile(Pattern.quote(DeployedConfiguration.SECRETS_MOUNT) + "[:/]([A-Za-z0-9.-]+)");
        return properties.values().stream().flatMap(value -> reference.matcher(value).results()).map(match -> match.group(1))
                .distinct().toList();
    }
}
