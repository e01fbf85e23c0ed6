package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client's TLS settings: what they open, and the errors that stop a start, which never show a password. */
class RegistryTlsTest {

    private static final String URL = "https://registry.example:8443";
    private static final String PASSWORD = "trust-store-password-7f3a";

    @TempDir
    Path dir;

    @Test
    void withoutStoresTheRuntimesDefaultContextIsUsed() throws Exception {
        assertThat(RegistryTls.context(new AvroSerdeConfig(Map.of("schema.registry.url", URL)))).isSameAs(SSLContext.getDefault());
    }

    @Test
    void aTrustStoreOpenedWithItsPasswordGivesAContextOfItsOwn() throws Exception {
        Path trustStore = emptyPkcs12("truststore.p12", PASSWORD);

        SSLContext context = RegistryTls.context(new AvroSerdeConfig(Map.of("schema.registry.url", URL,
                "schema.registry.ssl.truststore.location", trustStore.toString(),
                "schema.registry.ssl.truststore.password", PASSWORD)));

        assertThat(context).isNotSameAs(SSLContext.getDefault());
        assertThat(context.getProtocol()).isEqualTo("TLS");
    }

    @Test
    void aMissingTrustStoreStopsTheStartNamingTheKeyAndTheFile() {
        Path missing = dir.resolve("missing.p12");

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", URL,
                "schema.registry.ssl.truststore.location", missing.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration \"schema.registry.ssl.truststore.location\" names a file that does not exist: " + missing);
    }

    @Test
    void aWrongTrustStorePasswordStopsTheStartWithoutShowingIt() throws Exception {
        Path trustStore = emptyPkcs12("truststore.p12", PASSWORD);

        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", URL,
                "schema.registry.ssl.truststore.location", trustStore.toString(),
                "schema.registry.ssl.truststore.password", "not-" + PASSWORD)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Configuration \"schema.registry.ssl.truststore.location\": the PKCS12 store " + trustStore
                        + " cannot be read with the password given (IOException).")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void anUnknownStoreTypeIsRefusedByTheDefinition() {
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", URL,
                "schema.registry.ssl.truststore.type", "PEM")))
                .isInstanceOf(ConfigException.class)
                // Kafka lists the allowed values from a hash set: their order is not part of the message's promise.
                .hasMessageStartingWith("Invalid value PEM for configuration schema.registry.ssl.truststore.type: String must be "
                        + "one of (case insensitive): ")
                .hasMessageContainingAll("PKCS12", "JKS");
    }

    private Path emptyPkcs12(String name, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
