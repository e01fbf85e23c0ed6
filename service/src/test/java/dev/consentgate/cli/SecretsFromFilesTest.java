package dev.consentgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.KeyUse;
import dev.consentgate.policy.KeyedHash;
import dev.consentgate.serde.AvroSerdeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets read from files through Kafka's DirectoryConfigProvider ({@code ${dir:DIR:FILE}}), as from a Kubernetes
 * secret volume: every key resolves, ConsentGate's, the registry's, Kafka Streams' and those a client made from a
 * subset of the properties reads (the auditor's consumers), and one that does not resolve stops the start.
 */
class SecretsFromFilesTest {

    private static final String HMAC_KEY = "a-key-from-a-secret-volume-0001-for-every-use";
    private static final String SASL_PASSWORD = "password-from-a-secret-volume";
    private static final String REGISTRY_USER_INFO = "registry-user:registry-password";

    @TempDir
    Path dir;
    private Path secrets;

    @BeforeEach
    void secretVolume() throws Exception {
        secrets = Files.createDirectory(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("hmac-key"), HMAC_KEY);
        Files.writeString(secrets.resolve("sasl-password"), SASL_PASSWORD);
        Files.writeString(secrets.resolve("registry-user-info"), REGISTRY_USER_INFO);
        Files.writeString(secrets.resolve("max-task-idle-ms"), "250");
    }

    @Test
    void everyKeyResolvesFromTheSecretFilesAndNoProviderSettingIsHandedOn() throws Exception {
        Setup setup = Setup.withoutPolicy(config(Map.of()), Map.of());
        Map<String, Object> properties = setup.properties();

        assertThat(setup.config().currentKey(KeyUse.PSEUDONYM).hash().hex("customer-1"))
                .isEqualTo(new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8)).hex("customer-1"));
        assertThat(new AvroSerdeConfig(properties).getPassword(AvroSerdeConfig.BASIC_AUTH_USER_INFO).value()).isEqualTo(REGISTRY_USER_INFO);
        assertThat(new StreamsConfig(properties).getMainConsumerConfigs("g", "c", 0).get(SaslConfigs.SASL_JAAS_CONFIG).toString())
                .contains("password=\"" + SASL_PASSWORD + "\"");
        assertThat(properties.get(SaslConfigs.SASL_JAAS_CONFIG).toString()).contains("password=\"" + SASL_PASSWORD + "\"");
        assertThat(properties.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("250");
        assertThat(properties.keySet()).noneMatch(key -> key.startsWith("config.providers"));
        assertThat(properties.keySet().stream().filter(ConsumerConfig.configNames()::contains)).contains(SaslConfigs.SASL_JAAS_CONFIG);
    }

    @Test
    void anEnvironmentVariableMayNameASecretFileToo() throws Exception {
        Setup setup = Setup.withoutPolicy(config(Map.of("consentgate.hmac.key", "not-the-key-from-the-file")),
                Map.of("CONSENTGATE_CONSENTGATE_HMAC_KEY", "${dir:" + secrets + ":hmac-key}"));

        assertThat(setup.config().currentKey(KeyUse.PSEUDONYM).hash().hex("customer-1"))
                .isEqualTo(new KeyedHash(HMAC_KEY.getBytes(StandardCharsets.UTF_8)).hex("customer-1"));
    }

    @Test
    void aSecretFileThatIsMissingStopsTheStartNamingTheKey() throws Exception {
        Path config = config(Map.of("consentgate.hmac.key", "${dir:" + secrets + ":no-such-file}"));

        assertThatThrownBy(() -> Setup.withoutPolicy(config, Map.of()))
                .isInstanceOfSatisfying(CommandFailure.class, failure -> assertThat(failure.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
                .hasMessageContaining("consentgate.hmac.key names a value of config provider 'dir' that it does not have")
                .hasMessageNotContainingAny(HMAC_KEY, SASL_PASSWORD);
    }

    @Test
    void aNegativeTaskIdleTimeFromAFileIsRefusedLikeOneInTheFile() throws Exception {
        Files.writeString(secrets.resolve("max-task-idle-ms"), "-1");

        assertThatThrownBy(() -> Setup.withoutPolicy(config(Map.of()), Map.of()))
                .isInstanceOf(CommandFailure.class).hasMessageContaining("max.task.idle.ms=-1 is refused");
    }

    /** A properties file that takes its secrets from the secret volume, with {@code overrides}. */
    private Path config(Map<String, String> overrides) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of(
                "application.id", "consentgate",
                "bootstrap.servers", "localhost:9092",
                "schema.registry.url", "http://localhost:8081",
                "config.providers", "dir",
                "config.providers.dir.class", DirectoryConfigProvider.class.getName(),
                "consentgate.hmac.key", "${dir:" + secrets + ":hmac-key}",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "${dir:" + secrets + ":registry-user-info}",
                "max.task.idle.ms", "${dir:" + secrets + ":max-task-idle-ms}"));
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.mechanism", "SCRAM-SHA-512");
        properties.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"consentgate\""
                + " password=\"${dir:" + secrets + ":sasl-password}\";");
        properties.putAll(overrides);
        List<String> lines = properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return Files.write(dir.resolve("app.properties"), lines);
    }
}
