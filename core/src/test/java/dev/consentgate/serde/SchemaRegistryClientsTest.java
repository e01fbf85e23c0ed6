package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaRegistryClientsTest {

    private static final String SCOPE = "clients-test";
    private static final String SECRET = "s3cr3t-pw";

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void mockUrlSelectsTheSharedInMemoryRegistryOfItsScope() {
        // When
        SchemaRegistryClient client = SchemaRegistryClients.fromConfig(
                Map.of("schema.registry.url", "mock://" + SCOPE));

        // Then
        assertThat(client).isSameAs(InMemorySchemaRegistry.scope(SCOPE));
    }

    @Test
    void httpUrlsGiveAnHttpClientWhetherCommaSeparatedOrAList() {
        assertThat(SchemaRegistryClients.fromConfig(
                Map.of("schema.registry.url", "http://sr-1:8081, https://sr-2:8081")))
                .isInstanceOf(HttpSchemaRegistryClient.class);
        assertThat(SchemaRegistryClients.fromConfig(
                Map.of("schema.registry.url", List.of("http://sr-1:8081", "http://sr-2:8081"))))
                .isInstanceOf(HttpSchemaRegistryClient.class);
    }

    @Test
    void missingUrlIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required configuration \"schema.registry.url\""
                        + " which has no default value.");
    }

    @Test
    void blankUrlIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", " , ")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration \"schema.registry.url\" must list at least one URL.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sr-1:8081", "ftp://sr-1:8081", "http://", "http://sr 1:8081"})
    void urlThatIsNotAnAbsoluteHttpUrlIsAConfigErrorNamingTheKeyAndPosition(String url) {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(
                Map.of("schema.registry.url", "http://ok:8081," + url)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "Invalid value for configuration \"schema.registry.url\": URL number 2 ");
    }

    @Test
    void urlWithCredentialsIsRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(
                Map.of("schema.registry.url", "https://svc:" + SECRET + "@sr-1:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void mockUrlMixedWithAnotherUrlIsAConfigError() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(
                Map.of("schema.registry.url", "mock://" + SCOPE + ",http://sr-1:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void userInfoWithoutTheUserInfoSourceIsAConfigErrorRatherThanSilentlyUnused() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                "schema.registry.url", "http://sr-1:8081",
                "basic.auth.user.info", "svc:" + SECRET)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageContaining("basic.auth.credentials.source=USER_INFO")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void userInfoSourceWithoutUserColonPasswordIsAConfigError() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                "schema.registry.url", "http://sr-1:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", SECRET)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void userInfoMayBeGivenAsAKafkaPassword() {
        assertThat(SchemaRegistryClients.fromConfig(Map.of(
                "schema.registry.url", "http://sr-1:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", new Password("svc:" + SECRET))))
                .isInstanceOf(HttpSchemaRegistryClient.class);
    }

    @Test
    void unsupportedCredentialsSourceIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of(
                "schema.registry.url", "http://sr-1:8081",
                "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value SASL_INHERIT for configuration basic.auth.credentials.source:"
                        + " String must be one of (case insensitive): USER_INFO, URL");
    }

    @Test
    void booleanSettingThatIsNeitherTrueNorFalseIsAConfigErrorNamingTheKey() {
        // Given
        Map<String, Object> configs = new HashMap<>();
        configs.put("schema.registry.url", "mock://" + SCOPE);
        configs.put("auto.register.schemas", "yes");

        // When / Then
        assertThatThrownBy(() -> new ConfluentAvroSerializer().configure(configs, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto.register.schemas");
    }
}
